.linux.cgroupsPath = "../../escape"
