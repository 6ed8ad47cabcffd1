# SPDX-License-Identifier: MIT
# Build concerns as INTERFACE targets, linked PRIVATE by our own targets only.

add_library(hooks_warnings INTERFACE)
target_compile_options(hooks_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
    -Woverloaded-virtual -Wnull-dereference -Wcast-align -Wformat=2 -Wimplicit-fallthrough
    -Wold-style-cast -Wmissing-declarations
    # GCC 12 reports false -Wrestrict positives inside libstdc++'s std::string concatenation at
    # -O2 and above (GCC bug 105329); the warning is off for GCC only.
    $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)

add_library(hooks_options INTERFACE)
target_compile_features(hooks_options INTERFACE cxx_std_20)
target_include_directories(hooks_options INTERFACE ${PROJECT_SOURCE_DIR}/src)

set(HOOKS_SANITIZE "" CACHE STRING "Sanitizers to build with, e.g. address,undefined")
if(HOOKS_SANITIZE)
    target_compile_options(hooks_options INTERFACE
        -fsanitize=${HOOKS_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(hooks_options INTERFACE -fsanitize=${HOOKS_SANITIZE})
endif()
