del(.ociVersion)
