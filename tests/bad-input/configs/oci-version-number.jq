.ociVersion = 1
