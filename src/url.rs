//! URL shapes shared by every stage: slugs from file names, site-relative paths, the relative
//! prefix that makes output work under any sub-path (or straight from disk), percent-encoding.
//!
//! A "site path" is a page's URL relative to the site root, without a leading slash:
//! `""` for the home page, `faq/withdrawal-failed/` for a page.

/// A URL segment from a file or folder name: lower case, white space to `-`, characters that
/// break URLs or Windows file systems dropped; letters of every script kept.
pub fn slugify(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.trim().chars() {
        if c.is_whitespace() || c == '-' {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else if c.is_control() || "<>:\"/\\|?*#%&{}^[]`'=+;,!$@~".contains(c) {
            continue;
        } else {
            out.extend(c.to_lowercase());
        }
    }
    let trimmed = out.trim_matches(['-', '.']);
    trimmed.to_owned()
}

/// `../` once per folder level of `site_path`, or `./` at the root: prefixed to any site path,
/// it gives a link that works from that page wherever the site is hosted.
pub fn root_prefix(site_path: &str) -> String {
    let depth = site_path.split('/').filter(|s| !s.is_empty()).count();
    if depth == 0 {
        "./".into()
    } else {
        "../".repeat(depth)
    }
}

/// Percent-encodes what may not stand raw in a URL path (non-ASCII included, for sitemaps
/// and feeds); keeps `/` and the unreserved characters.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    push_encoded_path(&mut out, path);
    out
}

/// `encode_path`, appended to `out`. Every page's permalink is made on every build, so this
/// formats nothing: `format!` per byte of a Chinese path was most of a permalink's cost.
pub fn push_encoded_path(out: &mut String, path: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.extend([
                '%',
                HEX[usize::from(b >> 4)].into(),
                HEX[usize::from(b & 15)].into(),
            ]);
        }
    }
}

/// Decodes `%XX` escapes; `None` when an escape is broken or the bytes are not UTF-8.
pub fn decode_path(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            // Exactly two hex digits: `from_str_radix` alone would take `%+1` as 1.
            let hex = path.get(i + 1..i + 3)?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_cjk_and_drop_unsafe_characters() {
        assert_eq!(slugify("Withdrawal Failed"), "withdrawal-failed");
        assert_eq!(slugify("提现 失败"), "提现-失败");
        assert_eq!(slugify("a:b?c*d"), "abcd");
        assert_eq!(slugify("  spaced   out  "), "spaced-out");
        assert_eq!(slugify("my_file"), "my_file");
    }

    #[test]
    fn root_prefix_climbs_one_level_per_folder() {
        assert_eq!(root_prefix(""), "./");
        assert_eq!(root_prefix("faq/"), "../");
        assert_eq!(root_prefix("faq/withdrawal-failed/"), "../../");
    }

    #[test]
    fn encoding_round_trips() {
        let p = "faq/提现 失败/";
        let e = encode_path(p);
        assert_eq!(e, "faq/%E6%8F%90%E7%8E%B0%20%E5%A4%B1%E8%B4%A5/");
        assert_eq!(decode_path(&e).as_deref(), Some(p));
        assert_eq!(decode_path("%zz"), None);
        assert_eq!(
            encode_path("Az09-._~/!$&'()*+,;=:@#?% é"),
            "Az09-._~/!$&'()*+,;=:@%23%3F%25%20%C3%A9"
        );
    }
}
