# SPDX-License-Identifier: MIT
# The interop.npm_install fixture: copy the pinned manifest and lockfile into the build directory
# and install exactly what the lockfile says there.
# Usage: cmake -DSOURCE_DIR=<tests/interop> -DBINARY_DIR=<its build dir> -DNPM=<npm> -P npm_ci.cmake
foreach(required SOURCE_DIR BINARY_DIR NPM)
    if(NOT DEFINED ${required})
        message(FATAL_ERROR "npm_ci.cmake: -D${required}=... is required")
    endif()
endforeach()
foreach(file package.json package-lock.json)
    file(COPY_FILE ${SOURCE_DIR}/${file} ${BINARY_DIR}/${file} ONLY_IF_DIFFERENT)
endforeach()
execute_process(COMMAND ${NPM} ci --no-audit --no-fund
                WORKING_DIRECTORY ${BINARY_DIR}
                RESULT_VARIABLE npm_result)
if(NOT npm_result EQUAL 0)
    message(FATAL_ERROR "npm ci failed (${npm_result}) in ${BINARY_DIR}")
endif()
