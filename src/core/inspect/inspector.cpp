// SPDX-License-Identifier: MIT
#include "core/inspect/inspector.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"
#include "core/inspect/answers.hpp"
#include "core/inspect/assets.hpp"
#include "core/text/text.hpp"

namespace hooks::inspect {
namespace {

/// Only the page's own origin: no inline script or style, nothing fetched from elsewhere, no
/// framing. Deliveries are text the page inserts as text; this makes a slip inert too.
constexpr std::string_view k_content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// A stream answer carries at most this many deliveries (about 2 MB); the page reconnects for
/// the rest. Under a flood, fewer and larger answers cost less per delivery.
constexpr std::size_t k_stream_batch = 5000;

/// The value of `name` in a query string, decoded; nothing when absent.
std::optional<std::string> query_value(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        std::size_t end = query.find('&');
        std::string_view pair = query.substr(0, end);
        std::size_t equals = pair.find('=');
        if (pair.substr(0, equals) == name) {
            return text::decode_form_component(
                equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1));
        }
        query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
    }
    return std::nullopt;
}

bool is_loopback_host(std::string_view host) {
    return host == "127.0.0.1" || host == "::1" || host == "[::1]" || host == "localhost";
}

/// Whether `host` (a Host header) names this server: a loopback name with its port.
bool is_own_host(std::string_view host, std::uint16_t port) {
    std::string suffix = ":" + std::to_string(port);
    if (!host.ends_with(suffix)) {
        return false;
    }
    std::string name(host.substr(0, host.size() - suffix.size()));
    for (char& c : name) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return name == "127.0.0.1" || name == "[::1]" || name == "localhost";
}

struct Target {
    std::string_view path;
    std::string_view query;
};

Target split_target(std::string_view target) {
    std::size_t question = target.find('?');
    if (question == std::string_view::npos) {
        return {target, {}};
    }
    return {target.substr(0, question), target.substr(question + 1)};
}

/// The bytes append_rows() adds for `entries`.
std::size_t rows_size(const std::vector<Kept>& entries) {
    std::size_t size = 2;
    for (const auto& kept : entries) {
        size += kept.summary().size() + 1;
    }
    return size;
}

/// The summary rows of `entries` as one JSON array, for the list and the stream.
void append_rows(std::string& body, const std::vector<Kept>& entries) {
    body += '[';
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i != 0) {
            body += ',';
        }
        body += entries[i].summary();
    }
    body += ']';
}

} // namespace

http::Response with_headers(http::Response response, std::string_view content_type) {
    response.headers.insert(response.headers.begin(),
                            {{"Content-Type", std::string(content_type)},
                             {"Content-Security-Policy", std::string(k_content_security_policy)},
                             {"X-Content-Type-Options", "nosniff"},
                             {"Referrer-Policy", "no-referrer"},
                             {"X-Frame-Options", "DENY"},
                             {"Cross-Origin-Resource-Policy", "same-origin"},
                             {"Cache-Control", "no-store"}});
    return response;
}

http::Response json_response(int status, std::string body) {
    http::Response response;
    response.status = status;
    response.body = std::move(body);
    return with_headers(std::move(response), "application/json");
}

http::Response error_response(int status, std::string_view message) {
    std::string body = "{\"error\":";
    text::append_json_string_lossy(body, message);
    body += '}';
    return json_response(status, std::move(body));
}

std::string make_token() {
    return crypto::hex_encode(crypto::random_bytes(16));
}

Inspector::Inspector(InspectorConfig config, Store& store)
    : m_config(std::move(config)), m_store(store) {
    m_store.on_added([this] {
        // Deliveries come by the thousand a second: most find the pusher told already.
        if (m_has_new.exchange(true)) {
            return;
        }
        // Taken and let go, so that the wake cannot fall between the pusher's look at
        // m_has_new and its wait.
        { std::lock_guard lock(m_mutex); }
        m_changed.notify_one();
    });
    m_pusher = std::thread([this] { push_loop(); });
}

Inspector::~Inspector() {
    stop();
    {
        std::lock_guard lock(m_mutex);
        m_is_stopping = true;
    }
    m_changed.notify_one();
    m_pusher.join();
    m_store.on_added({});
}

Result<void> Inspector::bind(const std::string& host, std::uint16_t port) {
    if (!is_loopback_host(host)) {
        return fail(ErrorKind::config, "the inspector listens on loopback only (127.0.0.1, ::1 "
                                       "or localhost), not " +
                                           text::printable(host));
    }
    http::ServerOptions options;
    options.host = host;
    options.port = port;
    // Two I/O threads: a replay waits for the destination on one while the page goes on.
    options.threads = 2;
    options.drain_timeout = std::chrono::milliseconds(1'000);
    auto server = http::Server::bind(
        options,
        http::AsyncHandler{[this](http::IncomingRequest& request, http::Responder responder) {
                               handle_async(request, std::move(responder));
                           },
                           {}});
    if (!server) {
        return tl::unexpected(server.error());
    }
    m_server = std::move(*server);
    m_config.port = m_server->port();
    return {};
}

const std::string& Inspector::host() const {
    return m_server->host();
}

std::string Inspector::url() const {
    bool is_v6 = host().find(':') != std::string::npos;
    return "http://" + (is_v6 ? "[" + host() + "]" : host()) + ":" + std::to_string(port()) +
           "/#token=" + m_config.token;
}

void Inspector::run() {
    m_server->run();
}

void Inspector::stop() {
    if (m_server) {
        m_server->stop();
    }
    std::vector<Waiter> waiters;
    {
        std::lock_guard lock(m_mutex);
        waiters.swap(m_waiters);
    }
    for (Waiter& waiter : waiters) {
        waiter.responder.respond(stream_batch(waiter.after));
    }
}

std::optional<http::Response> Inspector::refuse(const http::IncomingRequest& request) const {
    const message::Message& message = request.message;
    auto host = message.first_header("Host");
    if (!host || !is_own_host(*host, m_config.port)) {
        http::Response response;
        response.status = 421;
        response.body = "misdirected request: this inspector answers only to "
                        "127.0.0.1, localhost or [::1] on port " +
                        std::to_string(m_config.port) + "\n";
        response.close = true;
        return with_headers(std::move(response), "text/plain; charset=utf-8");
    }
    Target target = split_target(message.target);
    if (!target.path.starts_with("/api/")) {
        return std::nullopt;
    }
    auto given = message.first_header("X-Hooks-Token");
    std::optional<std::string> in_query;
    if (!given && message.method == "GET") {
        in_query = query_value(target.query, "token");
    }
    std::string_view token = given ? *given : in_query ? std::string_view(*in_query) : "";
    if (token.empty() || !crypto::constant_time_equal(token, m_config.token)) {
        return error_response(403, "this request needs the token of the URL hooks printed");
    }
    if (message.method != "POST") {
        return std::nullopt;
    }
    auto content_type = message.first_header("Content-Type");
    if (!content_type || !content_type->starts_with("application/json")) {
        return error_response(403, "a POST must be application/json");
    }
    auto origin = message.first_header("Origin");
    if (origin && *origin != "http://" + std::string(*host)) {
        return error_response(403, "cross-site request refused");
    }
    auto site = message.first_header("Sec-Fetch-Site");
    if (site && *site != "same-origin" && *site != "none") {
        return error_response(403, "cross-site request refused");
    }
    return std::nullopt;
}

http::Response Inspector::handle(const http::IncomingRequest& request) {
    if (auto refusal = refuse(request)) {
        return std::move(*refusal);
    }
    const message::Message& message = request.message;
    Target target = split_target(message.target);
    if (target.path.starts_with("/api/")) {
        return route_api(request, target.path.substr(5));
    }
    if (message.method != "GET" && message.method != "HEAD") {
        http::Response response = error_response(405, "the page is read with GET");
        response.headers.push_back({"Allow", "GET, HEAD"});
        return response;
    }
    auto asset = find_asset(target.path.substr(1), m_config.assets_dir);
    if (!asset) {
        return error_response(404, "no such file");
    }
    http::Response response;
    response.status = 200;
    response.body = std::move(asset->body);
    return with_headers(std::move(response), asset->content_type);
}

http::Response Inspector::route_api(const http::IncomingRequest& request, std::string_view path) {
    const message::Message& message = request.message;
    bool is_get = message.method == "GET" || message.method == "HEAD";
    if (path == "info" && is_get) {
        return info();
    }
    if (path == "deliveries" && is_get) {
        std::string_view query = split_target(message.target).query;
        auto after = text::parse_unsigned(query_value(query, "after").value_or("0"));
        auto limit = text::parse_unsigned(query_value(query, "limit").value_or("100000"));
        if (!after || !limit) {
            return error_response(400, "after and limit must be whole numbers");
        }
        auto entries = m_store.after(*after, *limit);
        std::string body;
        body.reserve(256 + rows_size(entries));
        body += "{\"fields\":";
        body += summary_fields_json();
        body += ",\"rows\":";
        append_rows(body, entries);
        body += ",\"last_seq\":" + std::to_string(m_store.last_seq()) + "}";
        return json_response(200, std::move(body));
    }
    if (path.starts_with("deliveries/")) {
        return delivery_api(request, path.substr(11));
    }
    if (path == "stream") {
        return error_response(405, "the stream is read with GET");
    }
    return error_response(404, "no such API");
}

http::Response Inspector::delivery_api(const http::IncomingRequest& request,
                                       std::string_view rest) {
    const message::Message& message = request.message;
    std::size_t slash = rest.find('/');
    auto seq = text::parse_unsigned(rest.substr(0, slash));
    std::string_view action = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
    auto kept = seq ? m_store.find(*seq) : std::nullopt;
    if (!kept) {
        return error_response(404,
                              "no delivery numbered " + text::printable(rest.substr(0, slash)));
    }
    bool is_get = message.method == "GET" || message.method == "HEAD";
    bool is_post = message.method == "POST";
    bool is_download = action == "har" || action == "jsonl";
    if (!((action.empty() || is_download) && is_get) &&
        !((action == "check" || action == "replay") && is_post)) {
        return error_response(405, "no such action with " + text::printable(message.method));
    }
    auto entry = kept->entry();
    if (!entry) {
        // Gone from a log file changed under listen is the user's doing; else it is a bug.
        return error_response(kept->is_in_log() ? 410 : 500, "cannot read delivery " +
                                                                 std::to_string(kept->seq()) +
                                                                 " back: " + entry.error().message);
    }
    if (action.empty()) {
        return json_response(
            200, detail_json(shown_entry(*entry), attempts_of(*kept), verify_entry(*entry)));
    }
    if (is_download) {
        http::Response response;
        response.status = 200;
        Entry shown = shown_entry(*entry);
        response.body = action == "har" ? har_document(shown, m_config.version)
                                        : log::to_json_line(shown.record);
        response.headers.push_back({"Content-Disposition", "attachment; filename=delivery-" +
                                                               std::to_string(entry->seq) + "." +
                                                               std::string(action)});
        return with_headers(std::move(response),
                            action == "har" ? "application/json" : "application/x-ndjson");
    }
    if (action == "check") {
        return check(*entry, message.body);
    }
    return replay(*entry, message.body);
}

std::vector<Attempt> Inspector::attempts_of(const Kept& kept) const {
    std::vector<Attempt> attempts;
    for (const Kept& attempt : m_store.attempts_of(kept)) {
        attempts.push_back(attempt.attempt_view());
    }
    return attempts;
}

http::Response Inspector::info() const {
    std::string body = "{\"mode\":";
    text::append_json_string_lossy(body, m_config.mode);
    body += ",\"version\":";
    text::append_json_string_lossy(body, m_config.version);
    body += ",\"source\":";
    text::append_json_string_lossy(body, m_config.source);
    body += ",\"replay_to\":";
    if (m_config.replay_to) {
        text::append_json_string_lossy(
            body, m_config.replay_to->origin() +
                      (m_config.replay_to->has_path ? m_config.replay_to->target : std::string()));
    } else {
        body += m_config.routes.empty() ? "null" : "\"(routes by event type)\"";
    }
    bool can_resign = !m_config.secrets.empty() && (m_config.scheme != nullptr || m_config.is_auto);
    body += std::string(",\"can_resign\":") + (can_resign ? "true" : "false");
    body += ",\"provider\":";
    if (m_config.scheme != nullptr) {
        text::append_json_string_lossy(body, m_config.scheme->info().name);
    } else {
        body += m_config.is_auto ? "\"auto\"" : "null";
    }
    body += ",\"count\":" + std::to_string(m_store.size());
    body += ",\"limit\":" + std::to_string(m_store.limit()) + "}";
    return json_response(200, std::move(body));
}

void Inspector::handle_async(http::IncomingRequest& request, http::Responder responder) {
    Target target = split_target(request.message.target);
    if (target.path != "/api/stream" || request.message.method != "GET") {
        responder.respond(handle(request));
        return;
    }
    if (auto refusal = refuse(request)) {
        responder.respond(std::move(*refusal));
        return;
    }
    // EventSource sends the last id it saw when it reconnects; that wins over the query's.
    auto last_id = request.message.first_header("Last-Event-ID");
    auto after = text::parse_unsigned(last_id ? std::string(*last_id)
                                              : query_value(target.query, "after").value_or("0"));
    if (!after) {
        responder.respond(error_response(400, "after (or Last-Event-ID) must be a whole number"));
        return;
    }
    // A client a full answer behind (catching up) gets it at once. Any other waits for the
    // pusher's next gather, even when something is new already: a client that reconnects at
    // once after each answer then gets about ten answers a second, not one per reconnect, and
    // under a flood each answer carries more deliveries for its cost.
    std::uint64_t last = m_store.last_seq();
    if (last > *after && last - *after >= k_stream_batch) {
        responder.respond(stream_batch(*after));
        return;
    }
    std::lock_guard lock(m_mutex);
    if (m_is_stopping) {
        responder.respond(stream_batch(*after));
        return;
    }
    m_waiters.push_back(
        {*after, std::move(responder), std::chrono::steady_clock::now() + m_config.stream_wait});
    if (last > *after && !m_has_new.exchange(true)) {
        m_changed.notify_one();
    }
}

http::Response Inspector::stream_batch(std::uint64_t after) const {
    auto entries = m_store.after(after, k_stream_batch);
    std::string body;
    body.reserve(64 + rows_size(entries));
    body += "retry: 250\n\n";
    if (entries.empty()) {
        body += ": keep-alive\n\n";
    } else {
        body += "id: " + std::to_string(entries.back().seq()) + "\nevent: deliveries\ndata: ";
        append_rows(body, entries);
        body += "\n\n";
    }
    http::Response response;
    response.status = 200;
    response.body = std::move(body);
    return with_headers(std::move(response), "text/event-stream; charset=utf-8");
}

void Inspector::push_loop() {
    std::unique_lock lock(m_mutex);
    while (!m_is_stopping) {
        m_changed.wait_for(lock, std::chrono::milliseconds(500),
                           [this] { return m_has_new || m_is_stopping; });
        if (m_has_new) {
            // Deliveries come in bursts: gather a moment's worth into one answer per page.
            lock.unlock();
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            lock.lock();
        }
        m_has_new = false;
        std::uint64_t last = m_store.last_seq();
        auto now = std::chrono::steady_clock::now();
        std::vector<Waiter> ready;
        std::erase_if(m_waiters, [&](Waiter& waiter) {
            if (last <= waiter.after && now < waiter.deadline && !m_is_stopping) {
                return false;
            }
            ready.push_back(std::move(waiter));
            return true;
        });
        lock.unlock();
        for (Waiter& waiter : ready) {
            waiter.responder.respond(stream_batch(waiter.after));
        }
        lock.lock();
    }
}

} // namespace hooks::inspect
