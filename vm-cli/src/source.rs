//! Finding and reading a program file.

use std::path::{Path, PathBuf};

use vm_core::MAX_SOURCE_BYTES;

/// A program's text and the name errors show for it.
pub struct Source {
    /// The file's contents.
    pub text: String,
    /// The path as the user can recognise it.
    pub display_name: String,
}

/// Why a program could not be read.
pub enum LoadError {
    /// Missing, a directory, unreadable (exit 66, sysexits `EX_NOINPUT`).
    Usage(String),
    /// Read, but not valid UTF-8 or larger than a program may be: the message (exit
    /// 65, `EX_DATAERR`).
    Invalid(String),
}

/// Reads `path`, or `path.svm` when `path` does not exist and has no extension.
pub fn load(path: &Path) -> Result<Source, LoadError> {
    let path = resolve(path);
    if path.is_dir() {
        return Err(LoadError::Usage(format!(
            "{} is a directory, not a program file",
            shown_name(&path.display().to_string())
        )));
    }
    let name = shown_name(&path.display().to_string());
    let cannot =
        |e: std::io::Error| LoadError::Usage(format!("cannot read {name}: {}", io_reason(&e)));
    let file = std::fs::File::open(&path).map_err(cannot)?;
    let bytes = read_bounded(file).map_err(|e| match e {
        Bounded::Io(e) => cannot(e),
        Bounded::TooLarge => too_large(&name),
    })?;
    from_bytes(bytes, name)
}

/// A name as messages show it: control characters escaped (`\u{1b}`, `\n`).
pub fn shown_name(name: &str) -> String {
    vm_core::text::escape_name(name)
}

/// Why [`read_bounded`] gave no text.
enum Bounded {
    Io(std::io::Error),
    TooLarge,
}

/// The whole of `input` when it holds at most [`MAX_SOURCE_BYTES`] bytes; past that it
/// stops reading at once (an endless device such as `/dev/zero` ends at the limit).
fn read_bounded(input: impl std::io::Read) -> Result<Vec<u8>, Bounded> {
    let mut bytes = Vec::new();
    let limit = MAX_SOURCE_BYTES as u64 + 1;
    std::io::Read::read_to_end(&mut input.take(limit), &mut bytes).map_err(Bounded::Io)?;
    if bytes.len() > MAX_SOURCE_BYTES {
        return Err(Bounded::TooLarge);
    }
    Ok(bytes)
}

fn too_large(name: &str) -> LoadError {
    LoadError::Invalid(format!(
        "error: {name} is larger than a program may be: more than {} bytes (16 MiB); it was not read further\n",
        vm_core::text::thousands(MAX_SOURCE_BYTES as u64)
    ))
}

/// Reads the program from standard input (`svm -`); errors call it `<stdin>`.
pub fn load_stdin() -> Result<Source, LoadError> {
    let bytes = read_bounded(std::io::stdin()).map_err(|e| match e {
        Bounded::Io(e) => {
            LoadError::Usage(format!("cannot read standard input: {}", io_reason(&e)))
        }
        Bounded::TooLarge => too_large("<stdin>"),
    })?;
    from_bytes(bytes, "<stdin>".to_string())
}

/// A program's text from its bytes, which must be UTF-8.
fn from_bytes(bytes: Vec<u8>, display_name: String) -> Result<Source, LoadError> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source { text, display_name }),
        Err(e) => Err(LoadError::Invalid(invalid_utf8(
            &display_name,
            e.as_bytes(),
            e.utf8_error(),
        ))),
    }
}

/// `path`, or `path.svm` when `path` does not exist, has no extension and `path.svm`
/// exists.
pub fn resolve(path: &Path) -> PathBuf {
    if !path.exists() && path.extension().is_none() {
        let with_ext = path.with_extension("svm");
        if with_ext.exists() {
            return with_ext;
        }
    }
    path.to_path_buf()
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// An error naming the byte offset, line and column of the first invalid byte.
fn invalid_utf8(name: &str, bytes: &[u8], e: std::str::Utf8Error) -> String {
    let at = e.valid_up_to();
    let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!(
        "error: the file is not valid UTF-8: invalid byte 0x{:02x} at byte offset {at}\n --> {name}:{line}:{col}\n",
        bytes[at]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_position() {
        let bytes = [b"1 2\n\xc3\xa9 ".as_slice(), &[0xff], b" x"].concat();
        let e = std::str::from_utf8(&bytes).unwrap_err();
        let msg = invalid_utf8("f.svm", &bytes, e);
        assert_eq!(msg, "error: the file is not valid UTF-8: invalid byte 0xff at byte offset 7\n --> f.svm:2:3\n");
    }
}
