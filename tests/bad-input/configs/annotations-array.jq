.annotations = ["a"]
