//! Front matter splitting and parsing: any bytes give a document or an error that points into
//! the file, never a panic; a document's body is the end of the file and its line numbers
//! lead back to the file's own lines.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use quire::content::parse_document;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // A lone `\r` ends a line, as in YAML, CommonMark and editors.
    let lines = text.replace("\r\n", "\n").split(['\n', '\r']).count();
    match parse_document(text, Path::new("content/a.md")) {
        Ok(doc) => {
            let unix = text.replace("\r\n", "\n").replace('\r', "\n");
            assert!(unix.ends_with(&doc.body), "the body is the end of the file");
            // (An empty body at the end of a file has no line to start on.)
            let before = &unix[..unix.len() - doc.body.len()];
            if !doc.body.is_empty() {
                assert_eq!(
                    doc.body_line,
                    before.matches('\n').count() + 1,
                    "body_line is the file line the body starts on"
                );
            }
            for (i, line) in doc.body.lines().enumerate() {
                assert_eq!(doc.line_text(doc.body_line + i), Some(line));
            }
        }
        Err(e) => {
            assert!(e.error_count() > 0);
            for d in &e.diagnostics {
                assert!(!d.message.is_empty());
                assert!(d.line.is_none_or(|l| l >= 1 && l <= lines + 1), "{d:?}");
            }
        }
    }
});
