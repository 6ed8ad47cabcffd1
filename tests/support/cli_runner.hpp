// SPDX-License-Identifier: MIT
/// Runs `hooks` in-process with captured streams, a fake environment and a pinned clock.
#pragma once

#include "cli/run.hpp"

#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace hooks::testing {

/// What one in-process run produced.
struct CliResult {
    int exit_code = 0;
    std::string out;
    std::string err;
};

/// The environment a run sees; `now` is UNIX seconds.
struct CliEnvironment {
    std::map<std::string, std::string> variables;
    long long now = 1'700'000'000;
    std::string stdin_text;
    bool is_stdin_tty = false;
};

/// Runs `hooks args...` and returns its exit code and output.
CliResult run_cli(const std::vector<std::string>& args, const CliEnvironment& environment = {});

/// Runs `hooks COMMAND args... -` with `body` on stdin and the clock at `now` (UNIX seconds).
CliResult run_with_body(const std::string& command, std::vector<std::string> args,
                        const std::string& body, long long now = CliEnvironment{}.now);

} // namespace hooks::testing
