// SPDX-License-Identifier: MIT
// `hooks completion SHELL`: print a completion script generated from the command tree.
#include "cli/commands.hpp"
#include "core/providers/registry.hpp"

#include <ostream>

namespace hooks::cli {
namespace {

struct CompletionOptions {
    std::string shell;
};

enum class ValueKind { none, text, words, files, env };

// One option or positional as the scripts see it.
struct Argument {
    std::vector<std::string> names; // "-H", "--header"; a positional's name
    std::string description;
    ValueKind kind = ValueKind::none;
    std::vector<std::string> words;
    bool is_repeatable = false;
};

struct CommandModel {
    std::string name;
    std::string description;
    std::vector<Argument> options;
    std::vector<Argument> positionals;
    std::vector<CommandModel> subcommands;
};

// CLI11's own string tools, so that the scripts quote what its parser reads.
using CLI::detail::find_and_replace;
using CLI::detail::join;

std::string first_sentence(const std::string& text) {
    return text.substr(0, text.find(". "));
}

// The values an IsMember check allows: CLI11 shows them in the type name as ":{a,b,c}".
std::vector<std::string> member_words(const CLI::Option& option) {
    for (const std::string& part : CLI::detail::split(option.get_type_name(), ':')) {
        if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
            return CLI::detail::split(part.substr(1, part.size() - 2), ',');
        }
    }
    return {};
}

std::vector<std::string> provider_names(bool with_auto) {
    std::vector<std::string> names;
    if (with_auto) {
        names.emplace_back("auto");
    }
    providers::Registry registry = providers::Registry::builtin();
    for (const auto& scheme : registry.all()) {
        names.push_back(scheme->info().name);
    }
    return names;
}

Argument describe_option(const CLI::Option& option) {
    Argument argument;
    argument.description = first_sentence(option.get_description());
    argument.is_repeatable = option.get_expected_max() > 1;
    for (const std::string& name : option.get_snames()) {
        argument.names.push_back("-" + name);
    }
    for (const std::string& name : option.get_lnames()) {
        argument.names.push_back("--" + name);
    }
    if (!option.nonpositional()) {
        argument.names.push_back(option.get_name(true));
    }
    if (option.get_items_expected_max() == 0) { // a flag
        return argument;
    }
    // The model knows which values a check allows, not what a free value names; that is
    // the one table here. A --provider defaulting to "auto" accepts "auto".
    const std::string& key = argument.names.back();
    argument.words = member_words(option);
    if (!argument.words.empty()) {
        argument.kind = ValueKind::words;
    } else if (key == "--provider" || key == "NAME") {
        argument.kind = ValueKind::words;
        argument.words = provider_names(option.get_default_str() == "auto");
    } else if (key == "FILE" || option.get_type_name() == "PATH") {
        argument.kind = ValueKind::files;
    } else if (key == "--secret-env") {
        argument.kind = ValueKind::env;
    } else {
        argument.kind = ValueKind::text;
    }
    return argument;
}

CommandModel describe_app(CLI::App& app) {
    CommandModel model{app.get_name(), app.get_description(), {}, {}, {}};
    for (const CLI::Option* option : app.get_options()) {
        if (!option->get_group().empty()) { // an empty group hides an option
            (option->nonpositional() ? model.options : model.positionals)
                .push_back(describe_option(*option));
        }
    }
    for (CLI::App* subcommand : app.get_subcommands({})) {
        model.subcommands.push_back(describe_app(*subcommand));
    }
    return model;
}

std::string single_quoted(const std::string& text) {
    return "'" + find_and_replace(text, "'", "'\\''") + "'";
}

// fish single quotes escape only a backslash and a quote.
std::string fish_quoted(const std::string& text) {
    return "'" + find_and_replace(find_and_replace(text, "\\", "\\\\"), "'", "\\'") + "'";
}

// Inside a zsh _arguments spec: brackets end a description, colons end a message.
std::string zsh_escaped(const std::string& text) {
    std::string escaped;
    for (char c : text) {
        escaped += (c == '[' || c == ']' || c == ':' || c == '\\' ? "\\" : "") + std::string(1, c);
    }
    return escaped;
}

enum class Shell { bash, zsh, fish };

// How `shell` completes the value of `argument`; "" or ":" or " " completes nothing.
std::string value_action(const Argument& argument, Shell shell) {
    std::string words = join(argument.words, " ");
    switch (argument.kind) {
    case ValueKind::words:
        return shell == Shell::bash  ? "_hooks_words " + single_quoted(words)
               : shell == Shell::zsh ? "(" + words + ")"
                                     : " -a " + fish_quoted(words);
    case ValueKind::files:
        return shell == Shell::bash ? "_hooks_files" : shell == Shell::zsh ? "_files" : " -F";
    case ValueKind::env:
        return shell == Shell::bash  ? "_hooks_env"
               : shell == Shell::zsh ? "_parameters -g \"*export*\""
                                     : " -a '(set --names --export)'";
    case ValueKind::none:
    case ValueKind::text:
        break;
    }
    return shell == Shell::bash ? ":" : shell == Shell::zsh ? " " : "";
}

std::vector<std::string> subcommand_names(const CommandModel& command) {
    std::vector<std::string> names;
    for (const CommandModel& subcommand : command.subcommands) {
        names.push_back(subcommand.name);
    }
    return names;
}

void write_bash_case(const CommandModel& command, std::ostream& out) {
    std::vector<std::string> options;
    out << "        case $prev in\n";
    for (const Argument& option : command.options) {
        options.insert(options.end(), option.names.begin(), option.names.end());
        if (option.kind != ValueKind::none) {
            out << "            " << join(option.names, "|") << ") "
                << value_action(option, Shell::bash) << " ;;\n";
        }
    }
    // Every command here has at most one positional; a command without one offers options.
    std::string operand =
        !command.subcommands.empty()
            ? "_hooks_words " + single_quoted(join(subcommand_names(command), " "))
        : command.positionals.empty() ? "_hooks_words " + single_quoted(join(options, " "))
                                      : value_action(command.positionals[0], Shell::bash);
    out << "            *) if [[ $cur == -* ]]; then _hooks_words "
        << single_quoted(join(options, " ")) << "; else " << operand << "; fi ;;\n"
        << "        esac ;;\n";
}

void write_bash(const CommandModel& root, std::ostream& out) {
    out << R"(# bash completion for hooks; generated by `hooks completion bash`, do not edit.
_hooks_words() { mapfile -t COMPREPLY < <(compgen -W "$1" -- "$cur"); }
_hooks_files() { compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur"); }
_hooks_env() { mapfile -t COMPREPLY < <(compgen -e -- "$cur"); }

_hooks() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} command= i
    # Bash splits --name=value at '=': complete the value of the word before it.
    if [[ $cur == = ]]; then cur=; elif [[ $prev == = ]]; then prev=${COMP_WORDS[COMP_CWORD-2]}; fi
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            )"
        << join(subcommand_names(root), "|") << R"() command=${COMP_WORDS[i]}; break ;;
        esac
    done
    COMPREPLY=()
    case $command in
    "")
)";
    write_bash_case(root, out);
    for (const CommandModel& subcommand : root.subcommands) {
        out << "    " << subcommand.name << ")\n";
        write_bash_case(subcommand, out);
    }
    out << "    esac\n}\n\ncomplete -F _hooks hooks\n";
}

void write_zsh_arguments(const CommandModel& command, std::ostream& out) {
    for (const Argument& option : command.options) {
        std::string exclusion = option.is_repeatable      ? "*"
                                : option.names.size() > 1 ? "(" + join(option.names, " ") + ")"
                                                          : "";
        for (const std::string& name : option.names) {
            std::string spec = exclusion + name;
            spec += option.kind == ValueKind::none ? "" : name.size() == 2 ? "+" : "=";
            spec += "[" + zsh_escaped(option.description) + "]";
            if (option.kind != ValueKind::none) {
                spec +=
                    ":" + option.names.back().substr(2) + ":" + value_action(option, Shell::zsh);
            }
            out << " \\\n        " << single_quoted(spec);
        }
    }
    for (size_t i = 0; i < command.positionals.size(); ++i) {
        const Argument& positional = command.positionals[i];
        out << " \\\n        "
            << single_quoted(std::to_string(i + 1) + ":" + zsh_escaped(positional.description) +
                             ":" + value_action(positional, Shell::zsh));
    }
}

void write_zsh(const CommandModel& root, std::ostream& out) {
    out << "#compdef hooks\n"
        << "# zsh completion for hooks; generated by `hooks completion zsh`, do not edit.\n";
    for (const CommandModel& subcommand : root.subcommands) {
        out << "\n_hooks_" << subcommand.name << "() {\n    _arguments -s -S";
        write_zsh_arguments(subcommand, out);
        out << "\n}\n";
    }
    out << "\n_hooks() {\n    local curcontext=$curcontext state line\n    typeset -A opt_args\n"
        << "    _arguments -C";
    write_zsh_arguments(root, out);
    out << R"( \
        '1: :->command' \
        '*:: :->argument'
    case $state in
    command)
        local -a commands=(
)";
    for (const CommandModel& subcommand : root.subcommands) {
        out << "            "
            << single_quoted(zsh_escaped(subcommand.name) + ":" + subcommand.description) << '\n';
    }
    out << R"(        )
        _describe -t commands 'hooks command' commands ;;
    argument)
        curcontext=${curcontext%:*:*}:hooks-$line[1]:
        case $line[1] in
)";
    for (const CommandModel& subcommand : root.subcommands) {
        out << "        " << subcommand.name << ") _hooks_" << subcommand.name << " ;;\n";
    }
    out << R"(        esac ;;
    esac
}

if [[ $funcstack[1] == _hooks ]]; then _hooks "$@"; else compdef _hooks hooks; fi
)";
}

void write_fish_arguments(const CommandModel& command, const std::string& condition,
                          std::ostream& out) {
    for (const Argument& option : command.options) {
        out << "complete -c hooks -n " << condition;
        for (const std::string& name : option.names) {
            out << (name.size() == 2 ? " -s " + name.substr(1) : " -l " + name.substr(2));
        }
        out << (option.kind == ValueKind::none    ? ""
                : option.kind == ValueKind::files ? " -r"
                                                  : " -x")
            << value_action(option, Shell::fish) << " -d " << fish_quoted(option.description)
            << '\n';
    }
    for (const Argument& positional : command.positionals) {
        if (positional.kind != ValueKind::text) {
            out << "complete -c hooks -n " << condition << value_action(positional, Shell::fish)
                << " -d " << fish_quoted(positional.description) << '\n';
        }
    }
}

void write_fish(const CommandModel& root, std::ostream& out) {
    out << "# fish completion for hooks; generated by `hooks completion fish`, do not edit.\n"
        << "complete -c hooks -f\n";
    write_fish_arguments(root, "__fish_use_subcommand", out);
    for (const CommandModel& subcommand : root.subcommands) {
        out << "complete -c hooks -n __fish_use_subcommand -a " << subcommand.name << " -d "
            << fish_quoted(subcommand.description) << '\n';
    }
    for (const CommandModel& subcommand : root.subcommands) {
        write_fish_arguments(subcommand, "'__fish_seen_subcommand_from " + subcommand.name + "'",
                             out);
    }
}

Result<int> run_completion(const CompletionOptions& options, CLI::App& root, Context& context) {
    CommandModel model = describe_app(root);
    if (options.shell == "bash") {
        write_bash(model, context.out);
    } else if (options.shell == "zsh") {
        write_zsh(model, context.out);
    } else {
        write_fish(model, context.out);
    }
    return 0;
}

} // namespace

void register_completion(CLI::App& app, Context& context) {
    auto options = std::make_shared<CompletionOptions>();
    CLI::App* command = app.add_subcommand("completion", commands()[3].summary.data());
    command->add_option("SHELL", options->shell, "The shell to print a completion script for")
        ->required()
        ->check(CLI::IsMember({"bash", "zsh", "fish"}));
    command->footer(
        "Examples:\n"
        "  source <(hooks completion bash)          # this bash session only\n"
        "  hooks completion bash > ~/.local/share/bash-completion/completions/hooks\n"
        "  hooks completion zsh > ~/.zfunc/_hooks   # with fpath+=(~/.zfunc) before compinit\n"
        "  hooks completion fish > ~/.config/fish/completions/hooks.fish\n"
        "Installed packages already ship these scripts; the output never depends on the "
        "environment.");
    command->callback([options, command, &context] {
        context.action = [options, command, &context] {
            return run_completion(*options, *command->get_parent(), context);
        };
    });
}

} // namespace hooks::cli
