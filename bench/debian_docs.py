#!/usr/bin/env python3
"""Turns a DocBook manual in Simplified Chinese from Debian (debian-reference-zh-cn,
debian-faq-zh-cn: real documentation nobody here wrote) into a quire site: one page per
numbered section (2.1, 2.2, ...), its subsections as headings. Used by bench/quality.sh to check ranking on text we
did not write.  Usage: debian_reference.py HTML_DIR SITE_DIR"""
import html, os, re, sys
from html.parser import HTMLParser

MD_SPECIAL = re.compile(r'([\\`*_\[\]<>#|!])')


class Chapter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pages = []  # (title, [lines])
        self.heading = None  # (level, [text])
        self.block = None
        self.pre = False

    def handle_starttag(self, tag, attrs):
        if tag in ('h1', 'h2', 'h3', 'h4'):
            self.heading = (int(tag[1]), [])
        elif tag == 'pre':
            self.pre, self.block = True, []
        elif tag in ('p', 'li', 'td', 'th', 'dt', 'dd') and self.block is None:
            self.block = []

    def handle_endtag(self, tag):
        if self.heading and tag == 'h%d' % self.heading[0]:
            level, parts = self.heading
            self.heading = None
            text = re.sub(r'\s+', ' ', ''.join(parts)).strip()
            text = re.sub(r'^(第 \d+ 章|附录 [A-Z]\.|[\dA-Z]+(\.\d+)*\.)\s*', '', text)
            if level <= 2:
                self.pages.append((text, []))
            elif self.pages:
                self.pages[-1][1].append('\n' + '#' * (level - 1) + ' ' + MD_SPECIAL.sub(r'\\\1', text) + '\n')
        elif tag == 'pre' and self.pre:
            if self.pages:
                self.pages[-1][1].append('\n```\n' + ''.join(self.block).replace('```', "'''") + '\n```\n')
            self.pre, self.block = False, None
        elif tag in ('p', 'li', 'td', 'th', 'dt', 'dd') and self.block is not None and not self.pre:
            text = re.sub(r'\s+', ' ', ''.join(self.block)).strip()
            if text and self.pages:
                self.pages[-1][1].append('\n' + MD_SPECIAL.sub(r'\\\1', text) + '\n')
            self.block = None

    def handle_data(self, data):
        if self.heading:
            self.heading[1].append(data)
        elif self.block is not None:
            self.block.append(data)


def main(src, site):
    os.makedirs(os.path.join(site, 'content'), exist_ok=True)
    with open(os.path.join(site, 'site.yaml'), 'w') as f:
        f.write('title: Debian\nbase_url: https://example.org/\nlanguage: zh-CN\n')
    with open(os.path.join(site, 'content', '_index.md'), 'w') as f:
        f.write('---\ntitle: Debian\n---\n')
    names = sorted(n for n in os.listdir(src) if n.endswith('.zh-cn.html') and not n.startswith('index.'))
    for name in names:
        parser = Chapter()
        with open(os.path.join(src, name), encoding='utf-8') as f:
            parser.feed(f.read())
        chapter = name.split('.')[0]
        folder = os.path.join(site, 'content', chapter)
        os.makedirs(folder, exist_ok=True)
        for i, (title, lines) in enumerate(parser.pages):
            path = os.path.join(folder, '_index.md' if i == 0 else '%02d.md' % i)
            with open(path, 'w', encoding='utf-8') as f:
                f.write('---\ntitle: %s\nweight: %d\n---\n%s' % (json_str(title), i, ''.join(lines)))


def json_str(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
