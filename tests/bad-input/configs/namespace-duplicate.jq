.linux.namespaces += [{"type": "pid"}]
