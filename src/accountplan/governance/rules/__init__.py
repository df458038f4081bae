"""The rules: a registry other apps add to (``registry.register``), and the built-in ones."""
