"""Drafts of plan sections from the account's own data, each sentence citing its facts.

Issue 15; see docs/drafts.md.
"""
