import json, copy, sys, os
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '../..'))
from collections import OrderedDict

figure = json.load(open(os.path.join(os.environ.get('WORK', '/tmp'), 'figure9.parsed.json')), object_pairs_hook=OrderedDict)
ORDER = ['name', 'type', 'referenceTypes', 'multiValued', 'description', 'required', 'caseExact',
         'canonicalValues', 'subAttributes', 'mutability', 'returned', 'uniqueness']
DEFAULTS = OrderedDict([('required', False), ('caseExact', False), ('mutability', 'readWrite'),
                        ('returned', 'default'), ('uniqueness', 'none')])
log = []

def normalise(attr, path):
    keys = list(attr.keys())
    assert set(keys) <= set(ORDER), (path, keys)
    # the RFC's own key order must already agree with ORDER (so re-ordering only inserts defaults)
    assert keys == [k for k in ORDER if k in attr], (path, keys)
    for k in ('name', 'type', 'multiValued', 'description'):
        assert k in attr, (path, k)
    for k, v in DEFAULTS.items():
        if k not in attr:
            attr[k] = v
            log.append(f'default  {".".join(path)}: {k} = {json.dumps(v)}')
    if attr['type'] == 'reference':
        assert attr.get('referenceTypes'), path
    else:
        assert 'referenceTypes' not in attr, path
    if attr['type'] == 'complex':
        assert attr.get('subAttributes'), path
        attr['subAttributes'] = [normalise(s, path + [s['name']]) for s in attr['subAttributes']]
        for s in attr['subAttributes']:
            assert s['type'] != 'complex', 'complex inside complex (§2.3.8)'
    else:
        assert 'subAttributes' not in attr, path
    return OrderedDict((k, attr[k]) for k in ORDER if k in attr)

def find(schema, dotted):
    parts = dotted.split('.')
    attrs = schema['attributes']
    for i, p in enumerate(parts):
        a = next(a for a in attrs if a['name'] == p)
        if i < len(parts) - 1: attrs = a['subAttributes']
    return a

def fix(schema, dotted, key, old, new, why):
    a = find(schema, dotted)
    assert a[key] == old, (dotted, key, a[key], old)
    a[key] = new
    log.append(f'NORMATIVE {schema["name"]}.{dotted}: {key} {json.dumps(old)} -> {json.dumps(new)}  ({why})')

out = []
for s in copy.deepcopy(figure):
    assert list(s.keys()) == ['id', 'name', 'description', 'attributes', 'meta']
    s = OrderedDict((k, s[k]) for k in ('id', 'name', 'description', 'attributes'))  # drop "meta"
    s['attributes'] = [normalise(a, [s['name'], a['name']]) for a in s['attributes']]
    names = [a['name'] for a in s['attributes']]
    for common in ('id', 'externalId', 'meta', 'schemas'):
        assert common not in names, common   # §3.1 common attributes are not part of these schemas
    out.append(s)

user, group, ent = out
# --- corrections where §8.7.1 contradicts the normative text (normative wins) ---
fix(group, 'displayName', 'required', False, True, '§4.2: displayName ... REQUIRED')
fix(user, 'ims.type', 'canonicalValues',
    ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'],
    ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo', 'other'],
    '§4.1.2 ims: ... "qq", "yahoo", or "other"')

# --- additions: sub-attributes the RFC's own examples (§8.2, §8.4) send and §2.4 defines for multi-valued attributes ---
def add_sub(schema, dotted, sub, why):
    a = find(schema, dotted)
    assert all(s['name'] != sub['name'] for s in a['subAttributes'])
    a['subAttributes'].append(OrderedDict((k, sub[k]) for k in ORDER if k in sub))
    log.append(f'ADDED {schema["name"]}.{dotted}.{sub["name"]} ({why})')
add_sub(user, 'addresses', OrderedDict([('name','primary'),('type','boolean'),('multiValued',False),
    ('description',"A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred mailing address or primary address.  The primary attribute value 'true' MUST appear no more than once."),
    ('required',False),('caseExact',False),('mutability','readWrite'),('returned','default'),('uniqueness','none')]),
    '§2.4 primary; sent by the §8.2 example')
add_sub(group, 'members', OrderedDict([('name','display'),('type','string'),('multiValued',False),
    ('description',"A human-readable name, primarily used for display purposes.  READ-ONLY."),
    ('required',False),('caseExact',False),('mutability','readOnly'),('returned','request'),('uniqueness','none')]),
    '§2.4 display; sent by the §8.4 example and by IdPs')

def walk(attrs, prefix=''):
    for a in attrs:
        yield prefix + a['name'], a
        if 'subAttributes' in a: yield from walk(a['subAttributes'], prefix + a['name'] + '.')
for s in out:
    for dotted, a in list(walk(s['attributes'])):
        if a['type'] == 'reference':
            fix(s, dotted, 'caseExact', False, True, '§2.3.7: A reference is case exact')
        if a['type'] == 'binary':
            fix(s, dotted, 'caseExact', False, True, '§2.3.6: A binary is case exact')

# --- checks against the normative text ---
def chk(s, dotted, **kv):
    a = find(s, dotted)
    for k, v in kv.items(): assert a[k] == v, (s['name'], dotted, k, a[k], v)
chk(user, 'userName', required=True, caseExact=False, uniqueness='server', mutability='readWrite', returned='default')
chk(user, 'password', mutability='writeOnly', returned='never')
chk(user, 'groups', mutability='readOnly')
for sub in ('value', '$ref', 'display', 'type'): chk(user, 'groups.' + sub, mutability='readOnly')
chk(user, 'groups.type', canonicalValues=['direct', 'indirect'])
chk(user, 'emails.type', canonicalValues=['work', 'home', 'other'])
chk(user, 'addresses.type', canonicalValues=['work', 'home', 'other'])
chk(user, 'phoneNumbers.type', canonicalValues=['work', 'home', 'mobile', 'fax', 'pager', 'other'])
chk(user, 'photos.type', canonicalValues=['photo', 'thumbnail'])
chk(user, 'photos.value', type='reference', referenceTypes=['external'])
chk(user, 'profileUrl', type='reference', referenceTypes=['external'])
chk(user, 'x509Certificates.value', type='binary')
chk(group, 'displayName', required=True)
chk(group, 'members', multiValued=True, mutability='readWrite')
for sub in ('value', '$ref', 'type'): chk(group, 'members.' + sub, mutability='immutable')
chk(group, 'members.$ref', referenceTypes=['User', 'Group'])
chk(ent, 'manager', type='complex', multiValued=False)
chk(ent, 'manager.value', required=False)     # §4.3 RECOMMENDED
chk(ent, 'manager.$ref', required=False, referenceTypes=['User'])
chk(ent, 'manager.displayName', required=False, mutability='readOnly')
for s in out:
    for dotted, a in walk(s['attributes']):
        for k in ['name', 'type', 'multiValued', 'description'] + list(DEFAULTS):
            assert k in a, (dotted, k)
        assert list(a.keys()) == [k for k in ORDER if k in a]

for l in log: print(l, file=sys.stderr)
def count(s):
    top = len(s['attributes']); sub = sum(len(a.get('subAttributes', [])) for a in s['attributes'])
    return top, sub
for s in out: print(s['name'], 'top-level', count(s)[0], 'sub', count(s)[1], file=sys.stderr)

texts = {}
for key, s, fn in (('user', user, 'schema-user.json'), ('group', group, 'schema-group.json'),
                   ('enterpriseUser', ent, 'schema-enterprise-user.json')):
    t = json.dumps(s, indent=2, ensure_ascii=False)
    assert json.loads(t, object_pairs_hook=OrderedDict) == s
    texts[key] = (t, fn)

import os
golden = os.path.join(ROOT, 'Tests/SCIMTests/Golden')
os.makedirs(golden, exist_ok=True)
for key, (t, fn) in texts.items():
    open(os.path.join(golden, fn), 'w').write(t + '\n')

def lit(t):
    assert '"#' not in t and '\\#' not in t
    return '\n'.join(('    ' + l) if l else l for l in t.split('\n'))
swift = '''/// The standard schema documents of RFC 7643 §8.7.1 (core User, Group, enterprise User), as JSON text.
///
/// Kept as the RFC prints them (with every default characteristic made explicit) so that
/// `/Schemas` serves exactly the RFC's representation; `SchemaLoader` turns them into `Schema` values.
enum StandardSchemaDocuments {
'''
parts = []
for key, (t, fn) in texts.items():
    parts.append(f'    static let {key} = #"""\n{lit(t)}\n    """#\n')
swift += '\n'.join(parts) + '}\n'
open(os.path.join(ROOT, 'Sources/SCIM/RFC7643/StandardSchemaDocuments.swift'), 'w').write(swift)
