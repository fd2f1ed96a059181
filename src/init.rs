//! `quire init DIR`: a starter site that builds as it is, with the built-in default theme.

use std::fs;
use std::path::Path;

use crate::error::{Diagnostic, Error, Result};

const FILES: &[(&str, &str)] = &[
    (
        "site.yaml",
        "# Site settings: see README.md for every key.\ntitle: My documentation\ndescription: Answers for our readers\nbase_url: https://example.org/\nlanguage: en\ntheme: default\n# A link to a page or heading that does not exist fails the build (warning: only reports it).\nchecks:\n  links: error\n",
    ),
    (
        "content/_index.md",
        "---\ntitle: Welcome\ndescription: Start here\n---\n\nThis is the home page. Read the [getting started guide](guide/getting-started.md).\n",
    ),
    (
        "content/guide/_index.md",
        "---\ntitle: Guide\ndescription: How to use this site\nweight: 10\n---\n\nThe guide's articles are listed below.\n",
    ),
    (
        "content/guide/getting-started.md",
        "---\ntitle: Getting started\ndescription: Your first article\nweight: 10\ndate: 2026-01-01\ntags: [basics]\n---\n\nWrite markdown in `content/`; every folder is a section.\n\n## Next steps\n\nRun `quire serve` and edit this file: the browser reloads as you save.\n",
    ),
];

pub fn create(dir: &Path) -> Result<()> {
    if dir.exists()
        && fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(
            Diagnostic::error(dir, "this folder already exists and is not empty")
                .help("choose a new folder name; quire init never writes into existing files")
                .into(),
        );
    }
    for (path, text) in FILES {
        let file = dir.join(path);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, &e, "create the folder"))?;
        }
        fs::write(&file, text).map_err(|e| Error::io(&file, &e, "write the file"))?;
    }
    Ok(())
}
