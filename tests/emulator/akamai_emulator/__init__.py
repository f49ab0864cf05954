"""A local emulator of the Akamai APIs used by the edgegrid.access collection.

It verifies EdgeGrid signatures, enforces API client grants and follows the API documents.
It shares no code with the collection's plugins.
"""
