"""The REST API, `/api/v1/` (django-ninja): other programs act as one person with a token.

An interface like the web and the command line: every endpoint calls the domain's services and
read models with the token's person, so their visibility and permissions hold here too.
"""
