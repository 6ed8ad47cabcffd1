// SPDX-License-Identifier: MIT
#include "core/replay/journal.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace hooks::replay {
namespace {

tl::unexpected<Error> io_error(std::string_view action, const std::string& path, int number) {
    return fail(ErrorKind::input,
                std::string(action) + " " + path + ": " + std::system_category().message(number));
}

std::optional<std::uint64_t> parse_hash(std::string_view hex) {
    std::uint64_t value = 0;
    auto [end, error] = std::from_chars(hex.data(), hex.data() + hex.size(), value, 16);
    if (hex.size() != 16 || error != std::errc() || end != hex.data() + hex.size()) {
        return std::nullopt;
    }
    return value;
}

Result<void> write_all(int fd, const std::string& path, std::string_view line) {
    ssize_t written = 0;
    do {
        written = ::write(fd, line.data(), line.size());
    } while (written < 0 && errno == EINTR);
    if (written < 0) {
        return io_error("cannot write to", path, errno);
    }
    if (static_cast<std::size_t>(written) != line.size()) {
        return fail(ErrorKind::input, "cannot write to " + path + ": short write");
    }
    return {};
}

} // namespace

std::string body_hash(std::string_view body) {
    return crypto::hex_encode(crypto::digest(crypto::DigestAlgorithm::sha256, body)).substr(0, 16);
}

Journal::Journal(int fd, std::string path) : m_fd(fd), m_path(std::move(path)) {}

Journal::~Journal() {
    ::close(m_fd);
}

Result<std::unique_ptr<Journal>> Journal::open(const std::string& path,
                                               const std::string& destination) {
    int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        return io_error("cannot open", path, errno);
    }
    std::unique_ptr<Journal> journal(new Journal(fd, path));
    std::string text;
    char buffer[64 * 1024];
    for (ssize_t got = 0; (got = ::read(fd, buffer, sizeof buffer)) != 0;) {
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            return io_error("cannot read", path, errno);
        }
        text.append(buffer, static_cast<std::size_t>(got));
    }
    if (!text.empty() && text.back() != '\n') {
        // A line cut short by a crash: that delivery's outcome is unknown, so it is sent again.
        auto start = text.rfind('\n');
        start = start == std::string::npos ? 0 : start + 1;
        journal->m_note = path + ": removed a torn last line of " +
                          std::to_string(text.size() - start) + " bytes";
        if (::ftruncate(fd, static_cast<off_t>(start)) != 0) {
            return io_error("cannot repair", path, errno);
        }
        text.resize(start);
    }
    if (auto loaded = journal->load(text, destination); !loaded) {
        return tl::unexpected(loaded.error());
    }
    if (text.empty()) {
        nlohmann::json head = {{"v", 1}, {"journal", "hooks replay"}, {"to", destination}};
        if (auto written = write_all(fd, path, head.dump() + "\n"); !written) {
            return tl::unexpected(written.error());
        }
    }
    return journal;
}

Result<void> Journal::load(std::string_view text, const std::string& destination) {
    std::uint64_t number = 0;
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = text.find('\n', start);
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        ++number;
        auto where = m_path + ":" + std::to_string(number) + ": ";
        auto document = nlohmann::json::parse(line, nullptr, false);
        if (number == 1) {
            if (!document.is_object() || document.value("journal", "") != "hooks replay") {
                return fail(ErrorKind::input, where + "not a hooks replay journal");
            }
            if (document.value("to", "") != destination) {
                return fail(ErrorKind::usage, m_path + " is the journal of a replay to " +
                                                  document.value("to", "?") + ", not " +
                                                  destination + ": give another --journal");
            }
            continue;
        }
        auto hash = document.is_object() && document["h"].is_string()
                        ? parse_hash(document["h"].get_ref<const std::string&>())
                        : std::nullopt;
        if (!hash || !document["i"].is_number_unsigned() || !document["ok"].is_boolean()) {
            return fail(ErrorKind::input, where + "not a journal entry");
        }
        m_entries.push_back(
            {document["i"].get<std::uint64_t>(), *hash, document["ok"].get<bool>()});
    }
    // Sorted by index, acknowledged before failed, then one entry per index.
    std::stable_sort(m_entries.begin(), m_entries.end(), [](const Entry& a, const Entry& b) {
        return a.index != b.index ? a.index < b.index : a.is_ok && !b.is_ok;
    });
    auto last = std::unique(m_entries.begin(), m_entries.end(),
                            [](const Entry& a, const Entry& b) { return a.index == b.index; });
    m_entries.erase(last, m_entries.end());
    for (const Entry& entry : m_entries) {
        ++(entry.is_ok ? m_loaded_acknowledged : m_loaded_failed);
    }
    return {};
}

Result<Previous> Journal::previous(std::uint64_t index, std::string_view hash) const {
    auto found =
        std::lower_bound(m_entries.begin(), m_entries.end(), index,
                         [](const Entry& entry, std::uint64_t i) { return entry.index < i; });
    if (found == m_entries.end() || found->index != index) {
        return Previous::none;
    }
    if (parse_hash(hash) != found->hash) {
        return fail(ErrorKind::usage, m_path + ": record " + std::to_string(index) +
                                          " is not the one journaled: the journal belongs to "
                                          "another log; give another --journal");
    }
    return found->is_ok ? Previous::acknowledged : Previous::failed;
}

Result<void> Journal::record(std::uint64_t index, std::string_view hash, bool is_ok,
                             std::optional<int> status, int attempts) {
    std::string line = "{\"i\":" + std::to_string(index) + ",\"h\":\"" + std::string(hash) +
                       "\",\"ok\":" + (is_ok ? "true" : "false") +
                       ",\"status\":" + (status ? std::to_string(*status) : "null") +
                       ",\"attempts\":" + std::to_string(attempts) + "}\n";
    return write_all(m_fd, m_path, line);
}

} // namespace hooks::replay
