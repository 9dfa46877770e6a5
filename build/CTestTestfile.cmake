# CMake generated Testfile for 
# Source directory: /work/main
# Build directory: /work/main/build
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
subdirs("ir")
subdirs("exec")
subdirs("frontend")
subdirs("backend-x86_64")
subdirs("platform/linux-user")
subdirs("tools")
subdirs("tests")
