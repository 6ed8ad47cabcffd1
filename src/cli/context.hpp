// SPDX-License-Identifier: MIT
/// What a subcommand may touch: its streams, the environment and the clock, all injectable.
#pragma once

#include "core/error.hpp"
#include "core/time/clock.hpp"

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

namespace hooks::cli {

/// The process's side of the world, passed to every subcommand; tests fill it with fakes.
struct Context {
    Context(std::istream& in_stream, std::ostream& out_stream, std::ostream& err_stream)
        : in(in_stream), out(out_stream), err(err_stream) {}

    std::istream& in;
    std::ostream& out;
    std::ostream& err;
    /// Looks up an environment variable.
    std::function<std::optional<std::string>(const std::string&)> getenv;
    /// Time for every subcommand: run() pins its wall time when HOOKS_NOW (UNIX seconds) is set,
    /// so that golden tests and examples are reproducible, and otherwise leaves a clock that was
    /// set (a test's fake) or sets the process's.
    std::shared_ptr<const time::Clock> clock;
    bool is_stdin_tty = false;
    bool is_stdout_tty = false;
    bool is_stderr_tty = false;
    /// Set by the parsed subcommand's callback; run() calls it once parsing succeeded.
    std::function<Result<int>()> action;
};

} // namespace hooks::cli
