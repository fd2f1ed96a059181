#!/usr/bin/env python3
"""Writes a deterministic doc-like site of N pages for the search benchmark: Chinese text from
a Zipf-distributed vocabulary of two- to four-character words (one page in ten in English),
in sections of ten to fifty pages, each page with a title and three to six headings.
Also writes SITE_DIR/queries.txt, the queries the benchmark measures.
Usage: gen_site.py N SITE_DIR"""
import os, random, sys

rng = random.Random(20261124)
# Characters from the common block, spread so words look varied; 2,500 of them, like the
# characters an everyday Chinese text uses.
CHARS = [chr(0x4E00 + (i * 7919) % 20902) for i in range(2500)]
CJK_WORDS = [''.join(rng.choice(CHARS) for _ in range(rng.choice((2, 2, 2, 3, 4)))) for _ in range(12000)]
LATIN = ['account', 'payment', 'withdrawal', 'failed', 'balance', 'transfer', 'security', 'password',
         'verify', 'support', 'network', 'settings', 'device', 'update', 'install', 'error', 'refund',
         'limit', 'card', 'bank', 'wallet', 'login', 'identity', 'message', 'service', 'order']
LATIN += [a + b for a in ('re', 'pre', 'un', 'over', 'multi') for b in LATIN[:20]]
PUNCT = '，，，、。'


CUMULATIVE = {}


def zipf(words):
    """A word drawn with probability proportional to 1 / rank, as in natural text."""
    if len(words) not in CUMULATIVE:
        total, cum = 0.0, []
        for rank in range(1, len(words) + 1):
            total += 1.0 / rank
            cum.append(total)
        CUMULATIVE[len(words)] = cum
    return rng.choices(words, cum_weights=CUMULATIVE[len(words)])[0]


def sentence(english):
    if english:
        return ' '.join(zipf(LATIN) for _ in range(rng.randint(6, 16))).capitalize() + '.'
    out = ''
    for _ in range(rng.randint(4, 12)):
        out += zipf(CJK_WORDS)
        if rng.random() < 0.25:
            out += rng.choice(PUNCT)
    out = out.rstrip(PUNCT)
    return out + '。'


def phrase(english, words):
    return ' '.join(zipf(LATIN) for _ in range(words)).title() if english else ''.join(zipf(CJK_WORDS) for _ in range(words))


def main(n, root):
    os.makedirs(os.path.join(root, 'content'), exist_ok=True)
    with open(os.path.join(root, 'site.yaml'), 'w') as f:
        f.write('title: 基准站点\nbase_url: https://example.org/\nlanguage: zh-CN\n')
    with open(os.path.join(root, 'content', '_index.md'), 'w') as f:
        f.write('---\ntitle: 基准站点\n---\n')
    page, section = 0, 0
    while page < n:
        folder = os.path.join(root, 'content', 's%03d' % section)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, '_index.md'), 'w') as f:
            f.write('---\ntitle: %s\n---\n%s\n' % (phrase(False, 2), sentence(False)))
        for _ in range(min(rng.randint(10, 50), n - page)):
            english = page % 10 == 9
            body = [sentence(english) for _ in range(rng.randint(1, 3))]
            for _ in range(rng.randint(3, 6)):
                body.append('\n## ' + phrase(english, rng.randint(1, 3)) + '\n')
                for _ in range(rng.randint(1, 4)):
                    body.append(' '.join(sentence(english) for _ in range(rng.randint(1, 4))) + '\n')
            with open(os.path.join(folder, 'p%05d.md' % page), 'w') as f:
                f.write('---\ntitle: "%s"\n---\n%s\n' % (phrase(english, rng.randint(2, 4)), '\n'.join(body)))
            page += 1
        section += 1
    # Queries a reader might type: words of every frequency, a two-word query, English.
    with open(os.path.join(root, 'queries.txt'), 'w') as f:
        for rank in (1, 10, 100, 1000):
            f.write(CJK_WORDS[rank - 1] + '\n')
        f.write(CJK_WORDS[20] + CJK_WORDS[50] + '\n' + CJK_WORDS[30] + ' ' + CJK_WORDS[300] + '\n')
        f.write('payment failed\nwithdr\n')


if __name__ == '__main__':
    main(int(sys.argv[1]), sys.argv[2])
