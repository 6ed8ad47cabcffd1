# SPDX-License-Identifier: MIT
# Documentation and packaging tests: completions/ and man/ kept in step with the CLI11 tree,
# and the install layout. Included from tests/CMakeLists.txt (Python3 is found there).
find_program(SCDOC scdoc) # man/ looks for it too, but is configured after tests/

add_test(NAME cli.completions
         COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/check_completions.py
                 $<TARGET_FILE:hooks> ${PROJECT_SOURCE_DIR}/completions)

add_test(NAME cli.man_options
         COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/check_man.py
                 $<TARGET_FILE:hooks> ${PROJECT_SOURCE_DIR}/man "$<$<BOOL:${SCDOC}>:${SCDOC}>")

add_test(NAME cli.install
         COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/check_install.py
                 ${CMAKE_COMMAND} ${PROJECT_BINARY_DIR} ${CMAKE_INSTALL_BINDIR}
                 ${CMAKE_INSTALL_DATADIR} ${CMAKE_INSTALL_MANDIR}
                 "$<$<BOOL:${SCDOC}>:${PROJECT_SOURCE_DIR}/man>")

add_test(NAME cli.examples
         COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/check_examples.py
                 $<TARGET_FILE:hooks>)

set_tests_properties(cli.completions cli.man_options cli.install cli.examples PROPERTIES LABELS
                     cli)
