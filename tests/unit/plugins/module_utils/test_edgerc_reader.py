# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_edgerc.load_section: the forms of .edgerc that Akamai's readers accept, and those they refuse (docs/edgerc.md)."""

from __future__ import annotations

import os

import pytest
from akamai.edgegrid import EdgeRc

from ansible_collections.edgegrid.access.plugins.module_utils import _edgerc

SECRET = 'c2VjcmV0LXJlYWRlci1uZXZlci1wcmludGVkLXh4eA=='
ACCESS = 'akab-reader-access-never-printed-xxxx'
TOKEN = 'akab-reader-client-token-never-printed'
HOST = 'akab-reader.luna.akamaiapis.net'
EXPECTED = dict(host=HOST, client_token=TOKEN, client_secret=SECRET, access_token=ACCESS)

PLAIN = '[default]\nhost = %s\nclient_token = %s\nclient_secret = %s\naccess_token = %s\n' % (HOST, TOKEN, SECRET, ACCESS)


def write(tmp_path, content):
    """tmp_path/edgerc holding content, mode 0600 as an .edgerc should be (a wider one is warned of)."""
    path = tmp_path / 'edgerc'
    if isinstance(content, str):
        content = content.encode('utf-8')
    path.write_bytes(content)
    os.chmod(path, 0o600)
    return str(path)


def assert_no_secret(text):
    for value in (SECRET, ACCESS, TOKEN, SECRET[:20]):
        assert value not in text


# Forms that are read, each with the library it comes from (the table in docs/edgerc.md).
ACCEPTED = {
    'plain': PLAIN,
    # edgegrid-golang (gopkg.in/ini.v1): an inline comment after '#' or ';' is not part of the value.
    'inline comment ;': PLAIN.replace(SECRET, SECRET + ' ; rotated in November'),
    'inline comment #': PLAIN.replace(SECRET, SECRET + '   # rotated in November'),
    'inline comment without a space': PLAIN.replace(ACCESS, ACCESS + ';old one revoked'),
    # edgegrid-golang and edgegrid-node: one pair of quotes around the value is removed.
    'double quotes': ('[default]\nhost = "%s"\nclient_token = "%s"\nclient_secret = "%s"\naccess_token = "%s"\n'
                      % (HOST, TOKEN, SECRET, ACCESS)),
    'single quotes': PLAIN.replace(SECRET, "'%s'" % SECRET),
    'quotes and a comment': PLAIN.replace(SECRET, '"%s"  ; rotated' % SECRET),
    'triple quotes (edgegrid-golang)': PLAIN.replace(SECRET, '"""%s"""' % SECRET),
    'backquotes (edgegrid-golang)': PLAIN.replace(SECRET, '`%s`' % SECRET),
    # edgegrid-golang and edgegrid-node skip a UTF-8 byte order mark (Windows editors write one).
    'UTF-8 byte order mark': b'\xef\xbb\xbf' + PLAIN.encode('utf-8'),
    'CRLF line endings': PLAIN.replace('\n', '\r\n'),
    'colon as the delimiter': PLAIN.replace('host = ', 'host: '),
    'no spaces around =': PLAIN.replace('client_token = ', 'client_token='),
    'comments and blank lines': '# mine\n  ; indented comment\n\n' + PLAIN.replace('host', '# note\nhost'),
    'a comment after the header': PLAIN.replace('[default]', '[default]        ; the admin API client'),
    'every key indented alike': PLAIN.replace('\n', '\n    ').rstrip(' '),
    'host with https:// and a slash (edgegrid-node)': PLAIN.replace(HOST, 'https://%s/' % HOST),
    'section written twice (edgegrid-golang)': PLAIN.replace('client_secret', '[other]\nhost = x\n[default]\n'
                                                                              'client_secret'),
    'same key twice, same value': PLAIN + 'client_token = %s\n' % TOKEN,
    'other keys kept': PLAIN + 'headers_to_sign = X-A,X-B\ndebug = true\n',
    'max-body (edgegrid-python, edgegrid-node)': PLAIN + 'max-body = 131072\n',
    'Latin-1 bytes in a comment (edgegrid-golang, edgegrid-node)': b'# r\xe9sum\xe9\n' + PLAIN.encode('utf-8'),
}


@pytest.mark.parametrize('name', sorted(ACCEPTED))
def test_accepted_forms(tmp_path, name):
    section = _edgerc.load_section(write(tmp_path, ACCEPTED[name]), 'default')
    values = dict((key, section.values[key]) for key in EXPECTED)
    if 'https://' in name:
        values['host'] = _edgerc.normalize_host(values['host'])
    assert values == EXPECTED
    assert section.base_url == 'https://' + HOST
    assert section.warnings == []
    assert_no_secret(repr(section))


def test_other_keys_and_max_dash_body_are_returned(tmp_path):
    values = _edgerc.load_section(write(tmp_path, ACCEPTED['other keys kept']), 'default').values
    assert values['headers_to_sign'] == 'X-A,X-B' and values['debug'] == 'true'
    values = _edgerc.load_section(write(tmp_path, ACCEPTED['max-body (edgegrid-python, edgegrid-node)']), 'default').values
    assert values['max_body'] == '131072' and 'max-body' not in values


@pytest.mark.parametrize('name', ['plain', 'CRLF line endings', 'colon as the delimiter', 'comments and blank lines',
                                  'no spaces around =', 'host with https:// and a slash (edgegrid-node)'])
def test_where_all_agree_edgegrid_python_reads_the_same(tmp_path, name):
    path = write(tmp_path, ACCEPTED[name])
    theirs = EdgeRc(path)
    ours = _edgerc.load_section(path, 'default').values
    for key in EXPECTED:
        assert theirs.get('default', key) == ours[key]


# Forms that are refused: (content, what the message must say). Messages name the file, the line and the key.
REFUSED = {
    'a key twice with two values': (PLAIN + '[default]\nclient_secret = other-secret\n',
                                    'client_secret is given twice with different values (lines 4 and 7)'),
    'an indented line under a key': (PLAIN.replace(SECRET, SECRET[:10] + '\n    ' + SECRET[10:]),
                                     'line 5 is indented below the key client_secret of line 4'),
    'an indented header under a key': (PLAIN + '  [staging]\n', 'line 6 is indented below the key access_token'),
    'a value continued after a backslash': (PLAIN.replace(SECRET, SECRET[:10] + '\\\n' + SECRET[10:]),
                                            'line 4, key client_secret: the value ends with a backslash'),
    'an unclosed triple quote': (PLAIN.replace(SECRET, '"""' + SECRET), 'opens a """ quote that the line does not close'),
    'lone CR line endings': (PLAIN.replace('\n', '\r'), 'lone carriage return'),
    'UTF-16': (('\ufeff' + PLAIN).encode('utf-16-le'), 'it is UTF-16 or binary'),
    'a key before any header': ('host = %s\n' % HOST + PLAIN, 'does not start with a [section] header (line 1)'),
    'a header without its bracket': ('[default\n' + PLAIN, 'line 1 opens a [section] header without its closing'),
    'a header without a name': ('[]\n' + PLAIN, 'line 1 is a section header without a name'),
    'a line that is not key = value': (PLAIN.replace('client_secret = %s' % SECRET, 'client_secret ' + ACCESS),
                                       'line 4 is not "key = value"'),
    # A base64 secret ends with '=': every reader reads this line as a key named after the secret, so it is missing.
    'a key without its =': (PLAIN.replace('client_secret = ', 'client_secret '),
                            'is missing client_secret (line 4 starts with client_secret but has no "=" or ":" right '
                            'after it)'),
    'client-token (edgegrid-python only)': (PLAIN.replace('client_token', 'client-token'),
                                            'line 3: the key client-token is read by none'),
    'Host in capitals': (PLAIN.replace('host', 'Host'), 'line 2: the key Host is read by none'),
    'a missing key': (PLAIN.replace('access_token = %s\n' % ACCESS, ''), 'section [default] of .edgerc file'),
    'an empty key': (PLAIN.replace(' = ' + ACCESS, ' ='), 'access_token is empty (line 5)'),
    'an empty quoted key': (PLAIN.replace(ACCESS, '""'), 'access_token is empty (line 5)'),
    'a space inside the secret': (PLAIN.replace(SECRET, SECRET[:10] + ' ' + SECRET[10:]),
                                  'line 4: client_secret is not a valid client secret: it holds a space or a tab'),
    'an unmatched quote': (PLAIN.replace(SECRET, '"' + SECRET),
                           'line 4: client_secret is not a valid client secret: it holds a quotation mark'),
    'mismatched quotes': (PLAIN.replace(ACCESS, '"%s\'' % ACCESS),
                          'line 5: access_token is not a valid access token: it holds a quotation mark'),
    'a quoted comment sign (cut by edgegrid-golang)': (PLAIN.replace(TOKEN, '"%s#x"' % TOKEN),
                                                       'line 3: client_token is not a valid client token'),
    'a host with a path': (PLAIN.replace(HOST, HOST + '/papi'), 'line 2: host %r must be a host name only'
                           % (HOST + '/papi')),
    'a host with a space': (PLAIN.replace(HOST, 'akab x.luna.akamaiapis.net'), 'is not a valid host name'),
    'a max_body that is not a number': (PLAIN + 'max_body = lots\n', 'line 6: max_body must be a positive whole number'),
    'an account switch key with a space': (PLAIN + 'account_key = 1-AB CD:1-2\n',
                                           'line 6: account_key is not a valid account switch key'),
}


@pytest.mark.parametrize('name', sorted(REFUSED))
def test_refused_forms(tmp_path, name):
    content, message = REFUSED[name]
    path = write(tmp_path, content)
    with pytest.raises(_edgerc.EdgercError) as info:
        _edgerc.load_section(path, 'default')
    text = str(info.value)
    assert message in text
    assert path in text
    assert_no_secret(text)


def test_a_secret_pasted_on_a_line_of_its_own_shows_nowhere(tmp_path):
    # Akamai's readers read it as a key named after the secret: read as they do, never shown nor returned.
    section = _edgerc.load_section(write(tmp_path, PLAIN + SECRET + '\n'), 'default')
    assert_no_secret(repr(section))
    assert_no_secret(repr(_edgerc.mask_values(section.values)))
    assert sorted(_edgerc.public_values(section.values)) == sorted(EXPECTED)


def test_a_missing_key_is_named(tmp_path):
    with pytest.raises(_edgerc.EdgercError, match=r'section \[default\] of .* is missing access_token$'):
        _edgerc.load_section(write(tmp_path, REFUSED['a missing key'][0]), 'default')


def test_missing_file_and_section(tmp_path):
    with pytest.raises(_edgerc.EdgercError, match='does not exist'):
        _edgerc.load_section(str(tmp_path / 'nope'), 'default')
    path = write(tmp_path, PLAIN + '[ staging ]\nhost = x\n[papi]\nhost = y\n')
    with pytest.raises(_edgerc.EdgercError) as info:
        _edgerc.load_section(path, 'staging')
    assert "has no section [staging] (sections found: default, ' staging ', papi); a section name is read as written" \
        in str(info.value)


def test_max_body_other_than_131072_is_read_with_a_warning(tmp_path):
    section = _edgerc.load_section(write(tmp_path, PLAIN + 'max_body = 2048\n'), 'default')
    assert section.values['max_body'] == '2048'
    assert len(section.warnings) == 1
    warning = section.warnings[0]
    assert 'section [default] of .edgerc file' in warning and 'line 6' in warning
    assert 'max_body is 2048; it is not used' in warning and 'first 131072 bytes' in warning
    assert _edgerc.load_section(write(tmp_path, PLAIN + 'max_body = 131072\n'), 'default').warnings == []


@pytest.mark.parametrize('section, prefix', [
    ('default', 'AKAMAI_'), ('account2', 'AKAMAI_ACCOUNT2_'), ('papi-prod', 'AKAMAI_PAPI-PROD_'),
    ('Staging.EU', 'AKAMAI_STAGING.EU_'),
])
def test_env_prefix_as_edgegrid_golang_builds_it(section, prefix):
    assert _edgerc.env_prefix(section) == prefix


def test_writer_keeps_quotes_comments_and_bom(tmp_path):
    content = b'\xef\xbb\xbf' + PLAIN.replace(SECRET, '"%s" ; rotated in November' % SECRET).replace('\n', '\r\n')\
        .encode()
    path = write(tmp_path, content)
    result = _edgerc.write_section(path, 'default', dict(client_secret='bmV3LXNlY3JldA=='))
    assert result['changed_keys'] == ['client_secret']
    with open(path, 'rb') as handle:
        assert handle.read() == content.replace(SECRET.encode(), b'bmV3LXNlY3JldA==')
    assert _edgerc.load_section(path, 'default').values['client_secret'] == 'bmV3LXNlY3JldA=='
    again = _edgerc.write_section(path, 'default', dict(client_secret='bmV3LXNlY3JldA=='))
    assert again['changed'] is False


def test_writer_spells_a_key_as_the_readers_read_it(tmp_path):
    path = write(tmp_path, PLAIN.replace('client_token', 'Client-Token'))
    result = _edgerc.write_section(path, 'default', dict(client_token=TOKEN))
    assert result['changed_keys'] == ['client_token']
    assert _edgerc.load_section(path, 'default').values['client_token'] == TOKEN
    with open(path, encoding='utf-8') as handle:
        assert handle.read() == PLAIN


@pytest.mark.parametrize('values, message', [
    (dict(max_body=2048), 'max_body 2048 is refused: Akamai checks the hash of the first 131072 bytes'),
    (dict(client_secret='has space'), 'client_secret is not a valid client secret: it holds a space'),
    (dict(client_secret='ab;c'), 'it holds a "#" or ";"'),
    (dict(access_token='"quoted"'), 'access_token is not a valid access token: it holds a quotation mark'),
    (dict(host='akab-x.luna.akamaiapis.net/path'), 'must be a host name only'),
    (dict(account_key='1-A B'), 'account_key is not a valid account switch key'),
])
def test_writer_refuses_what_the_reader_would(tmp_path, values, message):
    path = write(tmp_path, PLAIN)
    with pytest.raises(_edgerc.EdgercError) as info:
        _edgerc.write_section(path, 'default', values)
    assert message in str(info.value)
    assert 'has space' not in str(info.value)
    with open(path, encoding='utf-8') as handle:
        assert handle.read() == PLAIN


def test_writer_reports_a_max_body_left_in_the_section(tmp_path):
    path = write(tmp_path, PLAIN + 'max_body = 2048\n')
    result = _edgerc.write_section(path, 'default', dict(client_secret='bmV3LXNlY3JldA=='))
    assert result['changed'] is True
    assert len(result['warnings']) == 1 and 'max_body is 2048; it is not used' in result['warnings'][0]
    result = _edgerc.write_section(path, 'default', dict(max_body=''))
    assert result['changed_keys'] == ['max_body'] and result['warnings'] == []
