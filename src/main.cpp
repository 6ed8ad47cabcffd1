// SPDX-License-Identifier: MIT
#include "cli/run.hpp"

#include <iostream>

int main(int argc, char** argv) {
    return hooks::cli::run(argc, argv, std::cin, std::cout, std::cerr);
}
