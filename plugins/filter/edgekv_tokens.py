# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The filter edgekv_tokens_items (documented in edgekv_tokens_items.yml): the elements of edgekv_token's `tokens`
from the tokens of the role edgegrid.access.edgekv_tokens.

It imports nothing that ansible-core has not imported already: ansible-core imports every filter file of the
collection wherever any filter of the collection is looked up (see access_report._report)."""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible.module_utils.datatag import native_type_name

# The options of one token of edgekv_token's `tokens` that the role hands on when given (`name` always goes).
TOKEN_OPTIONS = ('state', 'namespace_permissions', 'allow_on_staging', 'allow_on_production', 'edgeworker_ids',
                 'restrict_to_edgeworker_ids', 'expiry', 'refresh', 'refresh_after_days', 'recreate', 'tokens_js')


def _given(value):
    """Whether a token's value is given: a key set to null or '' (such as a templated "{{ x | default(None) }}") is
    not, as everywhere in this collection."""
    return value is not None and not (isinstance(value, str) and value == '')


def edgekv_tokens_items(tokens, tokens_js='', refresh=True):
    """The tokens of the role (a list of dicts, the role's edgekv_tokens_tokens; null, '' or []: none) as the elements
    of edgekv_token's `tokens` (a list of dicts, in the same order): of each token, the options of TOKEN_OPTIONS that
    are given (_given), its `name` (None when it has none, for the module to refuse), `refresh` (the token's own, else
    `refresh`; False for a token with a fixed `expiry`, which cannot be refreshed) and `tokens_js` ({path,
    create_directory: true} from the token's own, else `tokens_js`; None when that is null or ''; any other value goes
    to the module as it is, which reads a number as its text and refuses a boolean, list or dict).

    Raises AnsibleFilterError naming edgekv_tokens_tokens when `tokens` is no list (null, '' and [] are none; false,
    0 or {} is an error), or one of them is no dict (the role's argument spec reads a string as a list or a dict,
    which the role's variable still is)."""
    if tokens is None or (isinstance(tokens, (str, list)) and len(tokens) == 0):
        return []
    if not isinstance(tokens, list):
        raise AnsibleFilterError('edgekv_tokens_tokens must be a list of tokens (dicts), not %s'
                                 % native_type_name(tokens))
    items = []
    for position, token in enumerate(tokens):
        if not isinstance(token, Mapping):
            raise AnsibleFilterError('edgekv_tokens_tokens[%d] must be a token (a dict of its options), not %s'
                                     % (position, native_type_name(token)))
        item = {option: token[option] for option in TOKEN_OPTIONS
                if option in token and option != 'tokens_js' and _given(token[option])}
        item['name'] = token.get('name')
        if 'expiry' in item:
            item['refresh'] = False
        elif 'refresh' not in item:
            item['refresh'] = refresh
        path = token.get('tokens_js')
        if not _given(path):
            path = tokens_js
        item['tokens_js'] = {'path': path, 'create_directory': True} if _given(path) else None
        items.append(item)
    return items


class FilterModule:
    """The edgekv_tokens filter."""

    def filters(self):
        return {'edgekv_tokens_items': edgekv_tokens_items}
