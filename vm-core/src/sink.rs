//! [`IoSink`]: the machine's output into an [`std::io::Write`], keeping the I/O error.

use alloc::string::ToString;
use std::io;

/// Output to an [`io::Write`] (a file, a socket, `std::io::stdout()`), as the machine's
/// sink: the machine writes to a [`core::fmt::Write`], which cannot carry an
/// [`io::Error`]. When a write fails, `print` fails with the runtime error `output`
/// ([`ErrorKind::Output`](crate::ErrorKind::Output)) and the sink keeps the
/// [`io::Error`] that caused it: [`IoSink::error`] shows it, [`IoSink::into_inner`]
/// returns it. After a failure every write fails, so no output is lost in the middle.
///
/// It does not buffer: wrap the writer in a [`std::io::BufWriter`] for that, and
/// [`IoSink::flush`] it when the program waits (input, sleeping) or ends.
///
/// ```
/// use std::io::{self, Write};
/// use vm_core::{compile, ErrorKind, IoSink, Machine, Status};
///
/// /// A writer whose reader went away.
/// struct Closed;
/// impl Write for Closed {
///     fn write(&mut self, _: &[u8]) -> io::Result<usize> {
///         Err(io::Error::new(io::ErrorKind::BrokenPipe, "the reader went away"))
///     }
///     fn flush(&mut self) -> io::Result<()> {
///         Ok(())
///     }
/// }
///
/// let mut out = IoSink::new(Closed);
/// let mut m = Machine::new(compile("\"hi\" println").unwrap(), Vec::new());
/// let Status::Failed(e) = m.run(100, &mut out) else { panic!() };
/// assert_eq!(e.kind, ErrorKind::Output);
/// assert_eq!(out.error().unwrap().kind(), io::ErrorKind::BrokenPipe);
/// let (_closed, error) = out.into_inner();
/// assert_eq!(error.unwrap().to_string(), "the reader went away");
/// ```
#[derive(Debug)]
pub struct IoSink<W: io::Write> {
    inner: W,
    error: Option<io::Error>,
}

impl<W: io::Write> IoSink<W> {
    /// A sink that writes into `inner`.
    pub fn new(inner: W) -> IoSink<W> {
        IoSink { inner, error: None }
    }

    /// The first write error, if a write failed.
    pub fn error(&self) -> Option<&io::Error> {
        self.error.as_ref()
    }

    /// Flushes the writer; an error is kept as a write error is, and returned.
    pub fn flush(&mut self) -> io::Result<()> {
        if let Some(e) = &self.error {
            return Err(io::Error::new(e.kind(), e.to_string()));
        }
        self.inner.flush().inspect_err(|e| {
            self.error = Some(io::Error::new(e.kind(), e.to_string()));
        })
    }

    /// The writer.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The writer, and the first write error if a write failed.
    pub fn into_inner(self) -> (W, Option<io::Error>) {
        (self.inner, self.error)
    }
}

impl<W: io::Write> core::fmt::Write for IoSink<W> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        if self.error.is_some() {
            return Err(core::fmt::Error);
        }
        self.inner.write_all(s.as_bytes()).map_err(|e| {
            self.error = Some(e);
            core::fmt::Error
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{compile, ErrorKind, Machine, Status};
    use alloc::vec::Vec;

    /// Takes `room` bytes, then fails every write.
    struct Full {
        taken: Vec<u8>,
        room: usize,
    }

    impl io::Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.taken.len() >= self.room {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
            }
            let n = buf.len().min(self.room - self.taken.len());
            self.taken.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_writer_stops_the_program_and_its_error_is_kept() {
        let program = compile("\"abc\" println \"defgh\" println \"never\" println").unwrap();
        let full = Full {
            taken: Vec::new(),
            room: 6,
        };
        let mut out = IoSink::new(full);
        let mut m = Machine::new(program, Vec::new());
        let Status::Failed(e) = m.run(100, &mut out) else {
            panic!("expected the output error")
        };
        assert_eq!((e.kind, e.span.col), (ErrorKind::Output, 23));
        let kind = out.error().map(io::Error::kind);
        assert_eq!(kind, Some(io::ErrorKind::StorageFull));
        assert_eq!(out.flush().unwrap_err().kind(), io::ErrorKind::StorageFull);
        let (full, error) = out.into_inner();
        assert_eq!(full.taken, b"abc\nde");
        assert_eq!(error.unwrap().to_string(), "disk full");
    }

    #[test]
    fn a_working_writer_gets_all_the_output() {
        let mut out = IoSink::new(Vec::new());
        let mut m = Machine::new(compile("1 2 + println \"x\" print").unwrap(), Vec::new());
        assert_eq!(m.run(100, &mut out), Status::Halted(0));
        assert!(out.flush().is_ok() && out.error().is_none());
        assert_eq!(out.get_ref(), b"3\nx");
    }
}
