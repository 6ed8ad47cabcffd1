// SPDX-License-Identifier: MIT
/// The one entry point of the CLI: parse, dispatch, map errors to exit codes.
#pragma once

#include "cli/context.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace hooks::cli {

/// Runs `hooks` with the process's real environment and clock; returns the exit code.
int run(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err);

/// Runs `hooks` with `args` (without the program name) in `context`; returns the exit code.
int run(const std::vector<std::string>& args, Context& context);

} // namespace hooks::cli
