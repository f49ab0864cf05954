"""Access control: which account a request acts on, and whether the client holds the needed grant."""

from .problems import Problem

AUTHZ_DENY = "https://problems.luna.akamaiapis.net/-/pep-authz/deny"
READ_METHODS = ("GET", "HEAD", "OPTIONS")
LEVELS = ("READ-ONLY", "READ-WRITE")


def resolve_account(the_store, client, switch_key):
    """The account for this request: the client's own, or the one its accountSwitchKey selects.

    An unknown key, or a key for an account the client may not manage, is refused with 403.
    """
    own = the_store.accounts.get(client["accountId"])
    if switch_key is None:
        return own
    account = the_store.account_by_switch_key(switch_key)
    allowed = account is not None and (
        account.id == client["accountId"]
        or (client.get("allowAccountSwitch") and account.id in client.get("switchableAccounts", []))
    )
    if not allowed:
        raise Problem(403, AUTHZ_DENY, "Forbidden",
                      "The client is not allowed to act on the account selected by accountSwitchKey",
                      authzRealm=client["clientId"])
    return account


def check_grant(client, service_name, level_of, method):
    """Raise 403 unless the client's grant for service_name allows the method.

    level_of(client, service_name) returns "READ-ONLY", "READ-WRITE" or None (iam.access_level).
    """
    level = level_of(client, service_name)
    needed = LEVELS if method.upper() in READ_METHODS else ("READ-WRITE",)
    if level not in needed:
        raise Problem(403, AUTHZ_DENY, "Forbidden", "The client does not have the grant needed for the request",
                      authzRealm=client["clientId"])
