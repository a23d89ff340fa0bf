.root.path = ""
