import os, sys
import json, re, sys
from collections import OrderedDict

lines = open(os.environ.get('RFC7643', os.path.join(os.path.dirname(__file__), '../../../shared/rfc/rfc7643.txt')), encoding='utf-8').read().split('\n')
# §8.7.1 is lines 2590..4094 (1-based); the JSON figure runs from the line "[" to the line "]".
sec = lines[2589:4094]
assert sec[0].startswith('8.7.1.') and lines[4094].startswith('8.7.2.')
start = sec.index('[')
end = max(i for i, l in enumerate(sec) if l == ']')
body = sec[start:end + 1]

# 1. strip page breaks: footers, headers, form feeds, blank lines
page_footer = re.compile(r'^Hunt, et al\.\s+Standards Track\s+\[Page \d+\]$')
page_header = re.compile(r'^RFC 7643\s+SCIM Core Schema\s+September 2015$')
clean = []
removed = {'footer': 0, 'header': 0, 'blank': 0}
for l in body:
    l = l.replace('\f', '')
    if page_footer.match(l):
        removed['footer'] += 1; continue
    if page_header.match(l):
        removed['header'] += 1; continue
    if l.strip() == '':
        removed['blank'] += 1; continue
    clean.append(l)
print('removed', removed, file=sys.stderr)

# 2. rejoin wrapped string lines: while a line has an unterminated string, append the next line with one space
def open_string(s):
    inside = False; esc = False
    for ch in s:
        if esc: esc = False; continue
        if ch == '\\' and inside: esc = True; continue
        if ch == '"': inside = not inside
    return inside

joined = []; i = 0; njoins = 0
while i < len(clean):
    cur = clean[i]
    while open_string(cur):
        i += 1
        cur = cur.rstrip() + ' ' + clean[i].strip()
        njoins += 1
    joined.append(cur); i += 1
print('joins', njoins, file=sys.stderr)
text = '\n'.join(joined)
open(os.path.join(os.environ.get('WORK', '/tmp'), 'figure9.json'), 'w').write(text + '\n')

# 3. parse; detect duplicate keys
def no_dups(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), keys
    return OrderedDict(pairs)
doc = json.loads(text, object_pairs_hook=no_dups)
assert isinstance(doc, list) and len(doc) == 3
json.dump(doc, open(os.path.join(os.environ.get('WORK', '/tmp'), 'figure9.parsed.json'), 'w'), indent=2)
print('parsed OK:', [s['id'] for s in doc], file=sys.stderr)
