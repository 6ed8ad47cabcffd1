// SPDX-License-Identifier: MIT
/// Streams records out of a delivery log in constant memory (one line at a time).
#pragma once

#include "core/error.hpp"
#include "core/log/record.hpp"

#include <cstdint>
#include <istream>
#include <optional>
#include <string>

namespace hooks::log {

class Reader {
  public:
    /// Reads from `input`, which must outlive the reader; `name` (the file name, or "-") is
    /// used in messages.
    Reader(std::istream& input, std::string name);

    /// The next record; an empty optional at the end. A line that does not parse fails with
    /// "NAME:LINE: REASON" (input error), unless it is the last line and has no '\n' (a torn
    /// write): that one is skipped and reported in warning(). A last line without '\n' that
    /// parses is returned as usual. Blank lines are skipped. A read error fails with
    /// "NAME: cannot read the log".
    Result<std::optional<Record>> next();

    /// Empty, or one line about a torn last line that was skipped:
    /// "NAME: skipped a torn last line 7 (17 bytes)".
    const std::string& warning() const { return m_warning; }

    /// The number of the line last read (1-based; 0 before the first).
    std::uint64_t line_number() const { return m_line_number; }

  private:
    std::istream& m_input;
    std::string m_name;
    std::string m_line;
    std::uint64_t m_line_number = 0;
    std::string m_warning;
};

} // namespace hooks::log
