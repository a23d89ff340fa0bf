.hooks = {"prestart": [{"path": "relative/hook"}]}
