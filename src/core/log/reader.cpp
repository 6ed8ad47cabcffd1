// SPDX-License-Identifier: MIT
#include "core/log/reader.hpp"

#include <utility>

namespace hooks::log {
namespace {

bool is_blank(std::string_view line) {
    return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

} // namespace

Reader::Reader(std::istream& input, std::string name) : m_input(input), m_name(std::move(name)) {}

Result<std::optional<Record>> Reader::next() {
    // getline reuses m_line's buffer: memory stays at the longest line, whatever the log's size.
    while (std::getline(m_input, m_line)) {
        ++m_line_number;
        // getline sets eof only when the input ended before a '\n': an unterminated last line.
        bool is_terminated = !m_input.eof();
        if (is_blank(m_line)) {
            continue;
        }
        auto record = parse_json_line(m_line);
        if (record) {
            return std::optional<Record>(std::move(*record));
        }
        if (!is_terminated) {
            // A write cut short by a crash: it was never acknowledged, so skipping it loses
            // nothing that a sender believes was delivered.
            m_warning = m_name + ": skipped a torn last line " + std::to_string(m_line_number) +
                        " (" + std::to_string(m_line.size()) + " bytes)";
            return std::optional<Record>();
        }
        return fail(ErrorKind::input,
                    m_name + ":" + std::to_string(m_line_number) + ": " + record.error().message);
    }
    if (m_input.bad()) {
        return fail(ErrorKind::input, m_name + ": cannot read the log");
    }
    return std::optional<Record>();
}

} // namespace hooks::log
