.linux.namespaces |= map(select(.type != "uts")) | .hostname = "x"
