"""Regenerates the output goldens with the real formatters of az 2.91.0.

Run in a virtual environment with `knack==0.14.0 tabulate pyyaml jmespath pygments`:

    python tests/golden/output/generate.py

It reads `inputs.json` (command results, keys in the order az builds them) and writes
`cases.json` plus one readable file per format for the `account list` result.
"""

import argparse
import collections
import json
import os
import sys

from jmespath import Options
from jmespath.exceptions import JMESPathError
from knack.output import (format_json, format_json_color, format_none, format_table, format_tsv,
                          format_yaml, format_yaml_color)
from knack.query import CLIQuery
from knack.util import CommandResultItem

HERE = os.path.dirname(os.path.abspath(__file__))

FORMATTERS = {
    'json': format_json,
    'jsonc': format_json_color,
    'yaml': format_yaml,
    'yamlc': format_yaml_color,
    'table': format_table,
    'tsv': format_tsv,
    'none': format_none,
}


def transform_account_list(result):
    """`azure/cli/command_modules/profile/_format.py`."""
    transformed = []
    for r in result:
        res = collections.OrderedDict([('Name', r['name']),
                                       ('CloudName', r['cloudName']),
                                       ('SubscriptionId', r['id']),
                                       ('TenantId', r['tenantId']),
                                       ('State', r.get('state')),
                                       ('IsDefault', r['isDefault'])])
        transformed.append(res)
    return transformed


TRANSFORMERS = {'account_list': transform_account_list}


class _QueryParser(argparse.ArgumentParser):
    def error(self, message):
        raise ValueError(message)


def parse_query(raw):
    """The argparse step: az reports 'argument --query: invalid jmespath_type value: ...'."""
    parser = _QueryParser(prog='az', add_help=False)
    parser.add_argument('--query', dest='_jmespath_query', type=CLIQuery.jmespath_type)
    try:
        return parser.parse_args(['--query', raw])._jmespath_query, None
    except ValueError as ex:
        return None, str(ex)


def run(data, fmt, query=None, transformer=None):
    """What az prints on stdout, or the error it reports."""
    query_active = False
    result = data
    if query is not None:
        compiled, error = parse_query(query)
        if error:
            return {'error': error, 'exit_code': 2}
        try:
            result = compiled.search(data, Options(collections.OrderedDict))
        except JMESPathError as ex:
            message = getattr(ex, 'message', str(ex))
            return {'error': 'Invalid jmespath query supplied for `--query`: {}'.format(message),
                    'exit_code': 1}
        except Exception as ex:  # pylint: disable=broad-except
            # az's handle_exception: any other exception is an "unexpected error" with a traceback.
            return {'error': 'The command failed with an unexpected error. Here is the traceback:',
                    'detail': str(ex), 'exit_code': 1}
        query_active = True
    if result is None:
        return {'stdout': ''}
    item = CommandResultItem(result, table_transformer=transformer, is_query_active=query_active)
    try:
        return {'stdout': FORMATTERS[fmt](item)}
    except Exception as ex:  # pylint: disable=broad-except
        return {'error': str(ex), 'exit_code': 1}


QUERIES = {
    'account_list': [
        '[].name', '[?isDefault].id | [0]', 'length(@)', '[].{name:name, id:id, default:isDefault}',
        '[0]', '[0].user', '[].[name, isDefault, user]', '[].managedByTenants', '@',
        "[?state=='Enabled'].{Name:name, Tenant:tenantId}", 'sort_by(@, &name)[].name',
        'max_by(@, &name).name', "merge([0], {extra: 'x'})", '[].user.name | [0]', '[0].isDefault',
        "[?name=='nope']", 'keys([0])', 'values([0].user)', 'to_string([0].user)',
        '[].tenantDefaultDomain', '[0].tenantDefaultDomain', '[*].{n:name}[0]',
        'avg(`[1, 2]`)', '[?state==`Enabled`].name', '[].[name]', '[].[tenantDefaultDomain]',
        '[0].{z:name, a:id, m:user}', '[].{z:name, a:{y:id, b:state}}', "[].contains(name, 'Dev')",
        'reverse([].name)', 'sort([].name)', 'min_by(@, &name).id', 'map(&name, @)', 'not_null([0].nope, [0].id)',
        '[].id | join(`, `, @)', "join(', ', [].id)", '[0].managedByTenants[0].tenantId',
        '[?!isDefault].name', '[?isDefault && state==`"Enabled"`].name', '[0:1].name', '[::-1].name',
        '[-1].name', '[5]', "type(@)", "[].type(@)", 'to_array([0].name)', "to_number('12')",
        "to_number('1.5')", 'abs(`-3`)', 'ceil(`1.2`)', 'floor(`1.8`)', 'sum(`[1, 2.5]`)',
        "starts_with([0].name, 'Con')", "ends_with([0].name, 'Dev')", '[0].*', '[0].user.*',
        '[*].user.name', '[].managedByTenants[]', '[].managedByTenants[].tenantId', '[0].name.foo',
        '`{"b": 1, "a": 2}`', "'raw string'", '`"json string"`', '[?isDefault == `true`].name',
        '[?isDefault == `1`].name', 'length([0].name)', "[0].name | length(@)", 'merge(`{}`, `{"a": 1}`)',
        '{a: `1`, b: `null`}', '[].{a: `1`, b: `null`}', '[].[`1`, `null`]', '[].isDefault',
        '[?contains(`[1, true]`, `1`)].name', '[?`1` < `2`].name', "[?name > 'Contoso D'].name",
        "[?name < `5`].name",
    ],
    'account_show': ['@', 'user', 'user.name', '{name:name, id:id}', 'isDefault', 'managedByTenants'],
    'access_token': ['accessToken', 'expiresOn', 'expires_on', '{token:accessToken, expires:expires_on}'],
    'scalars': ['[0]', '[1]', '[0].multi', '[0].ts', '[0].long', '[1].f3', '[1].big', '[1].nested',
                '[1].lol', '[1].lod', '[1].el', '[1].ed', '[0].t', '[0].empty', '[1].t', '[1].i',
                '[1].f', '[1].f2', '[1].f4', '[1].f5', '[1].f6', '[0].{multi:multi, tab:tab}',
                '[0].[multi, tab]', '[0].sci', '[0].tab'],
    'rows_mixed': ['@', '[].[a, b]', '[].{a: a, none: none}'],
    'empty_list': ['@', 'length(@)'],
    'edge': ['@', '[0]', '[2]', '[3]', '[0].tags', '[].name', '[].[name, tags]', '[?name].{name: name, k: k}',
             '[3].long_plain', '[3].long_double', '[3].keys(@)', "length('日本')", "to_string('日本')",
             'to_string([2])', "contains('abc', `1`)", '[].n', '[?n > `0`].n'],
    'root_scalars': ['[0]', '[1]', '[2]', '[3]', '[4]', '[5]', '[6]', '[7]', '[8]', '[9]', '[10]', '@'],
}

# Python's parser ends a projection's right-hand side after `.{...}`; these check that quirk.
QUIRK_QUERIES = ['[].{n:name}.n', '[?isDefault].{n:name}[0]', '[].{n:name}[*].n', '[*].user.{a:name}[0]',
                 '[].{n:name}[0].n', '[].{n:name} | [0]', '[].{n:name}[]', '[].{n:name}.*', '[].user.{a:name}',
                 '[].[name, id][0]', 'sort_by([].{n:name}, &n)[0]', '[].{a: name}[?a]']

# Repeated objects: PyYAML writes anchors and aliases unless the result holds an OrderedDict.
ALIAS_QUERIES = ['[[0].user, [0].user]', '[0].[user, user]', '[@[0], @[0]]', '[@[1], @[0], @[1], @[0]]',
                 '[[1].managedByTenants, [1].managedByTenants]', '{a: [0].user, b: [0].user}',
                 '[0].[managedByTenants, managedByTenants[0], managedByTenants[0]]', '[@, @]']

INVALID_QUERIES = ['[?', '[].name[', 'foo bar', '', '`foo', "'unterminated", '[].{a}', 'a.b.', '&&',
                   "[?name=='x'", 'length(@', '"quoted', '[0', '{a: b', 'foo[?]', '\\', 'a | | b']

RUNTIME_ERRORS = ['length(`5`)', 'unknown(@)', 'length(@, @)', 'sum([].name)', 'sort_by(@, &user)',
                  'max([].isDefault)', 'abs([0].name)', 'not_null()', 'join(`1`, [].name)',
                  'sort([].user)', "merge([0], 'x')", 'min_by(@, &user)', 'max_by(@, &isDefault)',
                  'starts_with([0].name)', 'avg([].name)', 'keys([].name)', 'sort(`[1, "a"]`)',
                  'map(&name)', 'to_string(@, @)', 'sum([{a: name}])']


def generated_queries():
    """A broad, deterministic sweep of fields, literals and functions over `account list`."""
    fields = ['name', 'id', 'isDefault', 'user', 'user.name', 'managedByTenants', 'tenantDefaultDomain',
              'nope', '@', '`1`', '`1.5`', '`-2`', '`true`', '`null`', "'x'", '`[]`', '`{}`', '`[1, 2]`']
    functions = ['length', 'type', 'to_string', 'to_number', 'keys', 'values', 'reverse', 'sort', 'max', 'min',
                 'sum', 'avg', 'abs', 'ceil', 'floor', 'to_array', 'not_null']
    queries = []
    for f in fields:
        queries += ['[].{}'.format(f) if not f.startswith(('`', "'", '@')) else '[].[{}]'.format(f),
                    '[?{}].id'.format(f), '[?!{}].id'.format(f), '[0].{}'.format(f) if f[0].isalpha() else f]
        for fn in functions:
            queries.append('{}({})'.format(fn, f if not f[0].isalpha() else '[0].' + f))
        for op in ('==', '!=', '<', '>='):
            queries.append('[?{} {} `1`].name'.format(f, op))
            queries.append("[?{} {} 'Contoso Dev'].name".format(f, op))
    for a, b in (('`1`', '`true`'), ('`0`', '`false`'), ('`1.0`', '`1`'), ('`[1]`', '`[true]`'),
                 ('`{"a": 1}`', '`{"a": 1.0}`'), ('@', '@'), ('[0]', '[1]'), ("'a'", "'a'")):
        queries += ['{} == {}'.format(a, b), '{} != {}'.format(a, b), 'contains([{}], {})'.format(a, b)]
    queries += ['join(`-`, [].name)', "join('', [].id)", 'map(&user.name, @)', 'map(&`1`, @)', 'map(&nope, @)',
                'sort_by(@, &id)[].id', 'sort_by(@, &isDefault)', 'max_by(@, &id).id', 'min_by(@, &name).name',
                'merge(`{"a": 1}`, `{"b": 2}`, `{"a": 3}`)', 'merge(@[0].user, `{"type": "x"}`)',
                'not_null(`null`, `null`)', 'not_null(nope, [0].nope, `2`)', 'sum(`[]`)', 'avg(`[]`)',
                'max(`[]`)', 'max(`["b", "a"]`)', 'min(`[3, 1.5, 2]`)', 'sort(`[3, 1.5, 2]`)', 'abs(`-1.5`)',
                'to_number(`"1e3"`)', 'to_number(`" 12 "`)', 'to_number(`"1_000"`)', 'to_number(`"0x1"`)',
                'to_number(`"nan"`)', 'to_number(`"-inf"`)', 'to_string(`1.0`)', 'to_string(`[1, "é", null]`)',
                'reverse(`"日本語"`)', 'length(`"日本語"`)', "starts_with('abc', 'ab')", "ends_with('abc', '')",
                '`[1, 2, 3, 4, 5]`[1:4:2]', '`[1, 2, 3, 4, 5]`[::-2]', '`[1, 2, 3]`[-5:10]', '`[[1], [2, [3]]]`[]',
                '`[[1], [2, [3]]]`[][]', '`{"a": {"b": 1}, "c": {"b": 2}}`.*.b', '`{"a": 1}`.*', '[0].user.*',
                '[?user.type == `"user"` && isDefault].id', '[?isDefault || state == `"Enabled"`].id',
                '[0] | user', '[].user | [0]', '@.length(@)', '[].managedByTenants[].tenantId | [0]',
                'to_array(`null`)', 'type(`1.0`)', 'ceil(`-1.5`)', 'floor(`2`)', '`1` < `1.5`', "'a' < 'b'",
                "'b' >= 'a'", '`null` < `1`', '`true` < `false`', '[0].isDefault == `true`', '!`0`', '!`""`',
                '!`[0]`', '`0` || `1`', '`""` || `"x"`', '`[]` && `1`', '`{}` || `{"a": 1}`']
    return queries


# Whether az accepts an expression at all (argparse-time parsing), including Python lexer quirks.
PARSE_ONLY = [
    '[a b]', 'f(a b)', 'foo()', '[ ]', '{}', '{a: b, }', 'a.b.c', 'a[?b==`1`]', 'a[-1]', 'a[1:2:3]',
    'a[::0]', 'a[:::]', '@.a', 'a.@', '*.a', 'a.*.b', 'a[*][*]', 'a[]', 'a[][]', '!a', '!!a',
    'a || b && c', '(a)', 'a.(b)', 'a.[b]', 'a.{b: c}', '"quoted"', '"\\u00e9"', '"bad\\escape"', "'raw'",
    "'raw\\'s'", '`"lit"`', '`1`', '`[1,2]`', '`{"a":1}`', '`foo bar`', '` foo`', '`"unterminated`', '&a',
    'a.&b', 'map(&a, @)', 'a == b', 'a = b', 'a != b', 'a < b', 'a <= b', 'a > b', 'a >= b', 'a <> b',
    'a ~ b', '$', 'a.1', 'a[1.5]', 'a["b"]', "a.'b'", 'a | b | c', '|a', 'a |', 'a.', '.a', 'a..b',
    '[0][1]', '[0].a', 'length(@)', 'length()', '123', '-1', 'a[-]', 'foo[?bar]', 'foo[?]', 'foo[?bar]baz',
    'a &&', 'a || ', '(', ')', '[', ']', '{', '}', 'a.{b}', '{a}', '{a:}', '{:a}', '{"a": b}', "{'a': b}",
    "a[?b == 'c']", 'a[?b == `c`]', 'a[?b > `1`]', 'a[?(b)]', 'a[?!b]', 'a[?b && c || d]',
    'foo.bar.baz[0].qux', '@', '@@', 'a@', 'a.b[0:-1:2].c', 'a[:]', 'a[1:]', 'a[:2]', 'a[::-1]', '``',
    "'", "''", '""', ' a ', 'a\tb', 'a\nb', '日本', '"日本"', 'a.日', '`true`', '`tru`', '`nul l`', '`1 2`',
    '`[1, 2`', '`"a\\`b"`', "'a\\'", '[?a==`b c`].d', '`{"b": 1, "a": [1, {"d": 2, "c": 3}]}`',
    'a[0:10:-1]', 'a[10:0:-2]', 'not_null(a, b, c)', 'a.b.c.d.e.f', '[[a]]', '{a: {b: c}}', '*', '[*]',
]


def main():
    with open(os.path.join(HERE, 'inputs.json'), encoding='utf-8') as f:
        inputs = json.load(f)
    cases = []
    for name, data in inputs.items():
        transformer = TRANSFORMERS.get(name)
        for fmt in FORMATTERS:
            cases.append(dict(input=name, format=fmt, **run(data, fmt)))
            if transformer:
                cases.append(dict(input=name, format=fmt, transformer=name,
                                  **run(data, fmt, transformer=transformer)))
        for query in QUERIES.get(name, []):
            for fmt in ('json', 'table', 'tsv', 'yaml'):
                cases.append(dict(input=name, format=fmt, query=query,
                                  **run(data, fmt, query=query, transformer=transformer)))
    for query in QUIRK_QUERIES:
        for fmt in ('json', 'tsv'):
            cases.append(dict(input='account_list', format=fmt, query=query,
                              **run(inputs['account_list'], fmt, query=query)))
    for query in generated_queries():
        for fmt in ('json', 'tsv'):
            cases.append(dict(input='account_list', format=fmt, query=query,
                              **run(inputs['account_list'], fmt, query=query)))
    for query in ALIAS_QUERIES:
        for fmt in ('yaml', 'yamlc', 'json'):
            cases.append(dict(input='account_list', format=fmt, query=query,
                              **run(inputs['account_list'], fmt, query=query)))
    for name in ('account_list', 'access_token', 'edge', 'root_scalars'):
        for query in QUERIES[name][:12]:
            for fmt in ('jsonc', 'yamlc'):
                cases.append(dict(input=name, format=fmt, query=query,
                                  **run(inputs[name], fmt, query=query)))
    for query in INVALID_QUERIES + RUNTIME_ERRORS:
        cases.append(dict(input='account_list', format='json', query=query,
                          **run(inputs['account_list'], 'json', query=query)))
    parse_cases = [{'query': q, 'valid': parse_query(q)[1] is None} for q in PARSE_ONLY]
    with open(os.path.join(HERE, 'parse_cases.json'), 'w', encoding='utf-8', newline='\n') as f:
        json.dump(parse_cases, f, ensure_ascii=False, indent=1)
        f.write('\n')
    with open(os.path.join(HERE, 'cases.json'), 'w', encoding='utf-8', newline='\n') as f:
        json.dump(cases, f, ensure_ascii=False, indent=1)
        f.write('\n')
    accounts = inputs['account_list']
    for fmt in ('json', 'table', 'tsv', 'yaml'):
        transformer = transform_account_list if fmt == 'table' else None
        out = run(accounts, fmt, transformer=transformer)['stdout']
        with open(os.path.join(HERE, 'account_list.' + fmt), 'w', encoding='utf-8', newline='\n') as f:
            f.write(out)
    print('{} cases'.format(len(cases)), file=sys.stderr)


if __name__ == '__main__':
    main()
