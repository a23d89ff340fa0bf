.mounts += [{"destination": "/mnt", "type": "nosuchfs", "source": "none"}]
