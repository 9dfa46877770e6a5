# CMake generated Testfile for 
# Source directory: /work/main/tests
# Build directory: /work/main/build/tests
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(unit_fuzz "/work/main/build/tests/unit_fuzz")
set_tests_properties(unit_fuzz PROPERTIES  _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;16;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test(unit_ir "/work/main/build/tests/unit_ir")
set_tests_properties(unit_ir PROPERTIES  _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;16;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test(unit_riscv "/work/main/build/tests/unit_riscv")
set_tests_properties(unit_riscv PROPERTIES  _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;16;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test(unit_user "/work/main/build/tests/unit_user")
set_tests_properties(unit_user PROPERTIES  _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;16;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test(unit_x64 "/work/main/build/tests/unit_x64")
set_tests_properties(unit_x64 PROPERTIES  _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;16;add_test;/work/main/tests/CMakeLists.txt;0;")
subdirs("guest")
subdirs("cli")
