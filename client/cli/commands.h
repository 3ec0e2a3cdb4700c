// The `ozgbus` subcommands. Each register* adds its options to the app and sets the callback
// that runs it; the callback stores the process exit code in `exit_code`.
#pragma once

#include <CLI/CLI.hpp>

namespace ozgbus::cli {

void registerSend(CLI::App& app, int& exit_code);
void registerRecv(CLI::App& app, int& exit_code);
void registerStatus(CLI::App& app, int& exit_code);
void registerDemo(CLI::App& app, int& exit_code);
void registerValidate(CLI::App& app, int& exit_code);
void registerHeader(CLI::App& app, int& exit_code);
void registerKeygen(CLI::App& app, int& exit_code);
void registerSign(CLI::App& app, int& exit_code);
void registerVerify(CLI::App& app, int& exit_code);
void registerAdapt(CLI::App& app, int& exit_code);
void registerAudit(CLI::App& app, int& exit_code);
void registerAdmin(CLI::App& app, int& exit_code);  // trace, dlq
void registerWatch(CLI::App& app, int& exit_code);

}  // namespace ozgbus::cli
