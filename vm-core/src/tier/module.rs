//! The module described once, and written from that description both as bytes and as
//! WebAssembly text: the imported memory, the globals, the functions (each with its
//! signature, locals and code, already written by [`Body`](super::wasm::Body) in both
//! forms), the export, and the functions' names.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::wasm::{uleb, Global, Ty};

/// A function's signature: its parameters' types and its results'.
type Signature = (&'static [Ty], &'static [Ty]);

/// A module: what both its forms are written from.
pub(super) struct Module {
    /// The memory it imports: module and name.
    pub(super) memory: (&'static str, &'static str),
    /// Its globals, in the order of their indexes.
    pub(super) globals: &'static [Global],
    /// Its functions, in the order of their indexes.
    pub(super) functions: Vec<Function>,
}

/// One function of a [`Module`].
pub(super) struct Function {
    /// Its name (an identifier of the text).
    pub(super) name: String,
    /// The name it is exported by, if it is.
    pub(super) export: Option<&'static str>,
    /// Its parameters' types.
    pub(super) params: &'static [Ty],
    /// Its results' types.
    pub(super) results: &'static [Ty],
    /// The types of the locals it declares after its parameters.
    pub(super) locals: Vec<Ty>,
    /// The names of its parameters then its locals, for the text (empty without it).
    pub(super) local_names: Vec<String>,
    /// Its instructions, encoded (without the final `end`).
    pub(super) code: Vec<u8>,
    /// Its instructions as text (empty without it).
    pub(super) text: String,
}

impl Function {
    /// Its locals' declaration: runs of locals of one type, as a count and the type.
    fn local_runs(&self) -> Vec<(u32, Ty)> {
        let mut runs: Vec<(u32, Ty)> = Vec::new();
        for &ty in &self.locals {
            match runs.last_mut() {
                Some((n, last)) if *last == ty => *n += 1,
                _ => runs.push((1, ty)),
            }
        }
        runs
    }

    /// Its entry of the code section: its size, then its locals and code.
    fn write_body(&self, out: &mut Vec<u8>) {
        let locals = self.locals_declaration();
        uleb(out, (locals.len() + self.code.len() + 1) as u64);
        out.extend(locals);
        out.extend(&self.code);
        out.push(0x0b);
    }

    /// Its locals' declaration, encoded.
    fn locals_declaration(&self) -> Vec<u8> {
        let runs = self.local_runs();
        let mut out = Vec::new();
        uleb(&mut out, runs.len() as u64);
        for (n, ty) in runs {
            uleb(&mut out, u64::from(n));
            out.push(ty.byte());
        }
        out
    }

    /// How many bytes its entry of the code section takes (as [`Function::write_body`]
    /// writes it, without writing it).
    pub(super) fn body_size(&self) -> usize {
        let inner = self.locals_declaration().len() + self.code.len() + 1;
        let mut size = Vec::new();
        uleb(&mut size, inner as u64);
        size.len() + inner
    }

    /// Its text: its signature, its locals, its instructions.
    fn write_text(&self, out: &mut String) {
        out.push_str(&format!("  (func ${}", self.name));
        if let Some(export) = self.export {
            out.push_str(&format!(" (export \"{export}\")"));
        }
        let name = |i: usize| self.local_names.get(i).map_or("", |s| s.as_str());
        for (i, ty) in self.params.iter().enumerate() {
            out.push_str(&format!(" (param ${} {})", name(i), ty.name()));
        }
        out.push_str(" (result");
        for ty in self.results {
            out.push_str(&format!(" {}", ty.name()));
        }
        out.push_str(")\n");
        if !self.locals.is_empty() {
            out.push_str("    ");
            for (i, ty) in self.locals.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                let index = self.params.len() + i;
                out.push_str(&format!("(local ${} {})", name(index), ty.name()));
            }
            out.push('\n');
        }
        out.push_str(&self.text);
        out.push_str("  )\n");
    }
}

impl Module {
    /// The signatures of its functions, each once, in the order they first appear: the
    /// type section, and each function's index in it.
    fn types(&self) -> (Vec<Signature>, Vec<u32>) {
        let mut types: Vec<Signature> = Vec::new();
        let mut of = Vec::new();
        for f in &self.functions {
            let signature = (f.params, f.results);
            let index = match types.iter().position(|&t| t == signature) {
                Some(i) => i,
                None => {
                    types.push(signature);
                    types.len() - 1
                }
            };
            of.push(index as u32);
        }
        (types, of)
    }

    /// The module in the binary format: types, the imported memory, functions,
    /// globals, exports, code, and the functions' names (for a debugger's stack).
    pub(super) fn bytes(&self) -> Vec<u8> {
        let mut m = vec![0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
        let section = |m: &mut Vec<u8>, id: u8, content: Vec<u8>| {
            m.push(id);
            uleb(m, content.len() as u64);
            m.extend(content);
        };
        let name = |out: &mut Vec<u8>, name: &str| {
            uleb(out, name.len() as u64);
            out.extend(name.as_bytes());
        };
        let (types, type_of) = self.types();
        let mut type_section = Vec::new();
        uleb(&mut type_section, types.len() as u64);
        for (params, results) in types {
            type_section.push(0x60);
            uleb(&mut type_section, params.len() as u64);
            type_section.extend(params.iter().map(|t| t.byte()));
            uleb(&mut type_section, results.len() as u64);
            type_section.extend(results.iter().map(|t| t.byte()));
        }
        section(&mut m, 1, type_section);
        let mut imports = vec![1];
        name(&mut imports, self.memory.0);
        name(&mut imports, self.memory.1);
        // A memory, with no maximum and at least no page.
        imports.extend([0x02, 0x00, 0x00]);
        section(&mut m, 2, imports);
        let mut funcs = Vec::new();
        uleb(&mut funcs, type_of.len() as u64);
        for t in type_of {
            uleb(&mut funcs, u64::from(t));
        }
        section(&mut m, 3, funcs);
        let mut globals = Vec::new();
        uleb(&mut globals, self.globals.len() as u64);
        for g in self.globals {
            // Mutable, starting at `0` (`i32.const 0` or `i64.const 0`, `end`).
            let zero = match g.ty {
                Ty::I32 => 0x41,
                Ty::I64 => 0x42,
            };
            globals.extend([g.ty.byte(), 1, zero, 0, 0x0b]);
        }
        section(&mut m, 6, globals);
        let exported = self.functions.iter().enumerate();
        let exported: Vec<(usize, &str)> = exported
            .filter_map(|(i, f)| f.export.map(|e| (i, e)))
            .collect();
        let mut exports = Vec::new();
        uleb(&mut exports, exported.len() as u64);
        for (i, e) in exported {
            name(&mut exports, e);
            exports.push(0x00);
            uleb(&mut exports, i as u64);
        }
        section(&mut m, 7, exports);
        let mut code = Vec::new();
        uleb(&mut code, self.functions.len() as u64);
        for f in &self.functions {
            f.write_body(&mut code);
        }
        section(&mut m, 10, code);
        let mut names = Vec::new();
        uleb(&mut names, self.functions.len() as u64);
        for (i, f) in self.functions.iter().enumerate() {
            uleb(&mut names, i as u64);
            name(&mut names, &f.name);
        }
        let mut custom = Vec::new();
        name(&mut custom, "name");
        // The subsection of function names.
        custom.push(1);
        uleb(&mut custom, names.len() as u64);
        custom.extend(names);
        section(&mut m, 0, custom);
        m
    }

    /// The module as WebAssembly text, in the order of the binary's indexes (so that
    /// the text is the module).
    pub(super) fn text(&self) -> String {
        let mut t = String::from("(module\n");
        let (module, name) = self.memory;
        t.push_str(&format!("  (import \"{module}\" \"{name}\" (memory 0))\n"));
        for g in self.globals {
            let ty = g.ty.name();
            t.push_str(&format!(
                "  (global ${} (mut {ty}) ({ty}.const 0))\n",
                g.name
            ));
        }
        for f in &self.functions {
            f.write_text(&mut t);
        }
        t.push_str(")\n");
        t
    }
}

#[cfg(test)]
mod tests {
    use super::super::wasm::{Body, Ins};
    use super::*;
    use alloc::string::ToString;

    const COUNT: Global = Global {
        index: 0,
        name: "count",
        ty: Ty::I32,
    };
    const TOTAL: Global = Global {
        index: 1,
        name: "total",
        ty: Ty::I64,
    };

    /// A module of two functions: `twice(x)`, and `add(x)`, exported as `go`, which
    /// counts its calls in a global and returns `twice(x) + 1` (using a local).
    fn example() -> Module {
        let names: Vec<String> = ["twice", "add"].map(String::from).to_vec();
        let mut twice = Body::new(Some((vec!["x".into()], &names)));
        twice.extend([Ins::LocalGet(0), Ins::I32Const(2), Ins::I32Mul]);
        let (twice_code, twice_text) = twice.finish();
        let locals = vec!["x".to_string(), "y".to_string(), "wide".to_string()];
        let mut add = Body::new(Some((locals.clone(), &names)));
        add.extend([
            COUNT.get(),
            Ins::I32Const(1),
            Ins::I32Add,
            COUNT.set(),
            Ins::LocalGet(0),
            Ins::Call(0),
            Ins::I32Const(1),
            Ins::I32Add,
            Ins::LocalTee(1),
        ]);
        let (add_code, add_text) = add.finish();
        Module {
            memory: ("env", "memory"),
            globals: &[COUNT, TOTAL],
            functions: vec![
                Function {
                    name: "twice".into(),
                    export: None,
                    params: &[Ty::I32],
                    results: &[Ty::I32],
                    locals: vec![],
                    local_names: vec!["x".into()],
                    code: twice_code,
                    text: twice_text,
                },
                Function {
                    name: "add".into(),
                    export: Some("go"),
                    params: &[Ty::I32],
                    results: &[Ty::I32],
                    locals: vec![Ty::I32, Ty::I64],
                    local_names: locals,
                    code: add_code,
                    text: add_text,
                },
            ],
        }
    }

    /// The sections of a module but the custom ones.
    fn sections(bytes: &[u8]) -> Vec<(u8, Vec<u8>)> {
        wasmparser::Parser::new(0)
            .parse_all(bytes)
            .filter_map(|p| p.unwrap().as_section())
            .filter(|&(id, _)| id != 0)
            .map(|(id, range)| (id, bytes[range].to_vec()))
            .collect()
    }

    #[test]
    fn the_bytes_are_a_valid_module_and_the_text_is_the_same_module() {
        let m = example();
        let bytes = m.bytes();
        wasmparser::Validator::new().validate_all(&bytes).unwrap();
        let text = m.text();
        assert!(text.contains("(func $add (export \"go\") (param $x i32) (result i32)\n"));
        assert!(text.contains("    (local $y i32) (local $wide i64)\n"));
        assert!(text.contains("(global $total (mut i64) (i64.const 0))"));
        let parsed = wat::parse_str(&text).unwrap();
        assert_eq!(sections(&parsed), sections(&bytes));
    }

    #[test]
    fn the_bytes_name_the_functions_and_run() {
        let bytes = example().bytes();
        let mut names = Vec::new();
        for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
            if let wasmparser::Payload::CustomSection(c) = payload.unwrap() {
                if let wasmparser::KnownCustom::Name(reader) = c.as_known() {
                    for sub in reader {
                        if let wasmparser::Name::Function(map) = sub.unwrap() {
                            for n in map {
                                names.push(n.unwrap().name.to_string());
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(names, ["twice", "add"]);
        let engine = wasmi::Engine::default();
        let module = wasmi::Module::new(&engine, &bytes[..]).unwrap();
        let mut store = wasmi::Store::new(&engine, ());
        let mut linker = wasmi::Linker::<()>::new(&engine);
        let memory = wasmi::Memory::new(&mut store, wasmi::MemoryType::new(0, None)).unwrap();
        linker.define("env", "memory", memory).unwrap();
        let instance = linker.instantiate_and_start(&mut store, &module).unwrap();
        let go = instance.get_typed_func::<i32, i32>(&store, "go").unwrap();
        assert_eq!(go.call(&mut store, 20).unwrap(), 41);
    }

    #[test]
    fn signatures_are_typed_once_each_in_order() {
        let mut m = example();
        m.functions[0].params = &[Ty::I32, Ty::I32];
        let (types, of) = m.types();
        assert_eq!(types.len(), 2);
        assert_eq!(of, [0, 1]);
        m.functions[0].params = &[Ty::I32];
        assert_eq!(m.types().1, [0, 0]);
    }

    #[test]
    fn the_body_size_is_its_entry_of_the_code_section() {
        for f in example().functions {
            let mut entry = Vec::new();
            f.write_body(&mut entry);
            assert_eq!(f.body_size(), entry.len());
        }
        assert_eq!(
            example().functions[1].local_runs(),
            [(1, Ty::I32), (1, Ty::I64)]
        );
    }
}
