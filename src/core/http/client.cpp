// SPDX-License-Identifier: MIT
// The single-request client: the batch engine's connection (batch_connection.cpp: keep-alive TCP
// or TLS, Beast reading the response) driven one request at a time on an io_context of its own.
// The request goes out as to_wire() makes it, so headers keep their order, case and duplicates.
#include "core/http/client.hpp"

#include "core/http/batch_connection.hpp"

// GCC 12 at -O2 reports a -Wnull-dereference inside Asio's scheduler once inlined (a thread-info
// pointer it cannot prove non-null); the warning stays on for our own code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#pragma GCC diagnostic pop
#include <cctype>
#include <charconv>
#include <chrono>
#include <optional>

namespace hooks::http {
namespace {

/// `url` as messages may show it: user information ("user:password@") becomes "***@", so that
/// no credential reaches the screen.
std::string shown(std::string_view url) {
    auto scheme_end = url.find("://");
    std::size_t start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
    std::size_t end = url.find_first_of("/?#", start);
    std::string_view authority =
        url.substr(start, end == std::string_view::npos ? end : end - start);
    auto at = authority.rfind('@');
    if (at == std::string_view::npos) {
        return std::string(url);
    }
    return std::string(url.substr(0, start)) + "***" + std::string(url.substr(start + at));
}

namespace asio = boost::asio;

/// How often the deadlines of the request under way are checked: a timeout fires up to this late.
/// The connection's deadline moves as it goes from connecting to waiting for the answer, so it
/// is polled (as the batch engine does) rather than armed once.
constexpr std::chrono::milliseconds k_poll_interval{10};

constexpr std::uint16_t default_port(std::string_view scheme) {
    return scheme == "https" ? 443 : 80;
}

Result<std::uint16_t> parse_port(std::string_view text, std::string_view url) {
    unsigned value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value == 0 ||
        value > 65535) {
        return fail(ErrorKind::usage, "invalid port in URL '" + shown(url) + "'");
    }
    return static_cast<std::uint16_t>(value);
}

/// Splits "host:port", "[v6]:port", "host" into host and port text.
Result<std::pair<std::string, std::string>> split_authority(std::string_view authority,
                                                            std::string_view url) {
    if (authority.starts_with('[')) {
        auto close = authority.find(']');
        if (close == std::string_view::npos) {
            return fail(ErrorKind::usage, "unclosed '[' in URL '" + shown(url) + "'");
        }
        std::string_view rest = authority.substr(close + 1);
        if (!rest.empty() && !rest.starts_with(':')) {
            return fail(ErrorKind::usage, "unexpected text after ']' in URL '" + shown(url) + "'");
        }
        return std::pair{std::string(authority.substr(1, close - 1)),
                         std::string(rest.empty() ? rest : rest.substr(1))};
    }
    auto colon = authority.rfind(':');
    if (colon == std::string_view::npos) {
        return std::pair{std::string(authority), std::string()};
    }
    return std::pair{std::string(authority.substr(0, colon)),
                     std::string(authority.substr(colon + 1))};
}

} // namespace

std::string Url::origin() const {
    bool is_v6 = host.find(':') != std::string::npos;
    return scheme + "://" + (is_v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

ClientError connect_failure(const std::string& origin) {
    return {Failure::connect,
            "cannot connect to " + origin + " (refused, unreachable or unknown host)"};
}

ClientError connect_timeout(const std::string& origin) {
    return {Failure::timeout, "timed out connecting to " + origin};
}

ClientError response_timeout(const std::string& origin, std::chrono::milliseconds budget) {
    return {Failure::timeout,
            "no response from " + origin + " within " + std::to_string(budget.count()) + " ms"};
}

std::string Url::authority() const {
    bool is_default = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
    std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return is_default ? name : name + ":" + std::to_string(port);
}

Result<Url> parse_url(std::string_view text) {
    Url url;
    auto scheme_end = text.find("://");
    if (scheme_end == std::string_view::npos) {
        return fail(ErrorKind::usage,
                    "URL '" + shown(text) + "' needs a scheme: http:// or https://");
    }
    url.scheme = std::string(text.substr(0, scheme_end));
    for (char& c : url.scheme) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (url.scheme != "http" && url.scheme != "https") {
        return fail(ErrorKind::usage,
                    "URL '" + shown(text) + "': only http:// and https:// are supported");
    }
    std::string_view rest = text.substr(scheme_end + 3);
    auto path_start = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, path_start);
    if (authority.find('@') != std::string_view::npos) {
        return fail(ErrorKind::usage, "URL '" + shown(text) +
                                          "': user information is not supported; use -H "
                                          "'Authorization: ...'");
    }
    auto parts = split_authority(authority, text);
    if (!parts) {
        return tl::unexpected(parts.error());
    }
    if (parts->first.empty()) {
        return fail(ErrorKind::usage, "URL '" + shown(text) + "' has no host");
    }
    url.host = parts->first;
    url.port = default_port(url.scheme);
    if (!parts->second.empty()) {
        auto port = parse_port(parts->second, text);
        if (!port) {
            return tl::unexpected(port.error());
        }
        url.port = *port;
    }
    std::string_view target =
        path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start);
    target = target.substr(0, target.find('#'));
    for (char c : target) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
            return fail(ErrorKind::usage,
                        "URL '" + shown(text) + "' contains a space or control character");
        }
    }
    url.has_path = !target.empty() && target != "?";
    url.target =
        target.empty() || target.starts_with('?') ? "/" + std::string(target) : std::string(target);
    return url;
}

/// The client's event loop, its one connection, and the result of the attempt under way.
struct Client::Impl final : BatchConnectionOwner {
    Impl(const Url& destination, const ClientOptions& client_options)
        : url(destination), authority(destination.authority()), options(client_options),
          ticker(io) {}

    void finished(BatchConnection& /*connection*/, BatchAttempt& attempt,
                  const AttemptResult& outcome) override {
        result = outcome;
        buffer = std::move(attempt.request.bytes); // its memory serves the next request
        ticker.cancel();
    }

    /// Has the connection check its deadlines every k_poll_interval until the attempt is over.
    void tick() {
        ticker.expires_after(k_poll_interval);
        ticker.async_wait([this](const boost::system::error_code& error) {
            if (error || result) {
                return;
            }
            if (options.should_stop && options.should_stop()) {
                is_stopped = true;
                connection->close(); // the attempt fails at once; finished() hears of it
                return;
            }
            connection->expire(BatchClock::now());
            tick();
        });
    }

    Url url;
    std::string authority; ///< the Host a request without one gets
    ClientOptions options;
    asio::io_context io{1};
    asio::steady_timer ticker;
    std::unique_ptr<BatchConnection> connection; ///< none before the first send or after a failure
    std::optional<AttemptResult> result;
    std::string buffer;
    bool is_stopped = false; ///< should_stop() cut the attempt short
};

Client::Client(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Client::~Client() = default;

Result<std::unique_ptr<Client>> Client::create(const Url& origin, const ClientOptions& options) {
    return std::unique_ptr<Client>(new Client(std::make_unique<Impl>(origin, options)));
}

tl::expected<ClientResponse, ClientError> Client::send(const message::Message& request) {
    Impl& impl = *m_impl;
    auto wire = to_wire(request, impl.authority, std::move(impl.buffer));
    if (!wire) {
        return tl::unexpected(ClientError{Failure::other, wire.error().message});
    }
    if (!impl.connection) {
        // Made afresh after a failure too: the host is resolved and the CA file read again,
        // as the app or a certificate may have come up since.
        impl.connection =
            std::move(make_batch_connections(impl.io, impl.url, impl.options, impl, 1).front());
    }
    impl.result.reset();
    impl.is_stopped = false;
    impl.io.restart();
    impl.connection->start(BatchAttempt{BatchClock::now(), 0, 1, std::move(*wire), false});
    impl.tick();
    impl.io.run(); // until the attempt is over and the ticker has stopped
    AttemptResult result = std::move(*impl.result);
    if (!result) {
        impl.connection.reset();
    }
    if (impl.is_stopped && !result) {
        return tl::unexpected(ClientError{Failure::other, "interrupted before the response"});
    }
    return result;
}

} // namespace hooks::http
