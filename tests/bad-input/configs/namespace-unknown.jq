.linux.namespaces += [{"type": "nosuchns"}]
