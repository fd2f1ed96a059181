#!/usr/bin/env python3
"""sizes.py DIR: file count, raw bytes and gzip bytes (level 6, as web servers use) of DIR."""
import gzip, json, os, sys

count = raw = packed = 0
for folder, _, files in os.walk(sys.argv[1]):
    for name in files:
        data = open(os.path.join(folder, name), 'rb').read()
        count, raw, packed = count + 1, raw + len(data), packed + len(gzip.compress(data, 6))
print(json.dumps({'files': count, 'raw_bytes': raw, 'gzip_bytes': packed}))
