// SPDX-License-Identifier: MIT
/// Streams records out of a delivery log in constant memory (one line at a time).
#pragma once

#include "core/error.hpp"
#include "core/log/record.hpp"

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>

namespace hooks::log {

class Reader {
  public:
    /// Reads from `input`, which must outlive the reader; `name` is used in messages.
    Reader(std::istream& input, std::string name);

    /// The next record; an empty optional at the end. A line that does not parse fails with
    /// "NAME:LINE: REASON" (input error), unless it is the last line and has no '\n' (a torn
    /// write): that one is skipped and reported in warning(). Blank lines are skipped.
    Result<std::optional<Record>> next();

    /// Empty, or one line about a torn last line that was skipped.
    const std::string& warning() const { return warning_; }
    std::uint64_t line_number() const { return line_number_; }

  private:
    std::istream& input_;
    std::string name_;
    std::string line_;
    std::uint64_t line_number_ = 0;
    std::string warning_;
};

} // namespace hooks::log
