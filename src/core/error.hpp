// SPDX-License-Identifier: MIT
/// Errors that core functions return for bad input, and their exit codes.
#pragma once

#include <string>
#include <tl/expected.hpp>
#include <utility>

namespace hooks {

/// What went wrong, coarse enough to pick an exit code from.
enum class ErrorKind {
    usage,       ///< a flag or argument is wrong
    input,       ///< a file, header, body or secret could not be read or decoded
    config,      ///< a provider profile or setting is invalid
    negative,    ///< a check failed (maps to exit code 1)
    interrupted, ///< SIGINT
};

/// One error: a single line with no trailing period, written to follow `hooks: error: `.
struct Error {
    ErrorKind kind = ErrorKind::input;
    std::string message;
};

/// The value of a function that can fail on input.
template <typename T> using Result = tl::expected<T, Error>;

/// Shorthand for `tl::unexpected(Error{kind, message})`.
inline tl::unexpected<Error> fail(ErrorKind kind, std::string message) {
    return tl::unexpected<Error>(Error{kind, std::move(message)});
}

/// The process exit code for an error kind: 1 for negative results, 130 for SIGINT, else 2.
constexpr int exit_code_for(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::negative:
        return 1;
    case ErrorKind::interrupted:
        return 130;
    case ErrorKind::usage:
    case ErrorKind::input:
    case ErrorKind::config:
        return 2;
    }
    return 2;
}

} // namespace hooks
