// One-time initialisation of libxml2 for the whole process, and per-thread error silencing.
// initXml() must be called once from the main thread before any other thread touches libxml2;
// calling it again is harmless. quietXmlErrorsOnThisThread() is per thread by nature.
#pragma once

namespace ozgbus::xml {

// xmlInitParser, schema types and catalogs initialised, and an external-entity loader that
// refuses every URL and file unless a LoadScope (load_scope.h) on the calling thread allows
// it: no message parse in this process can reach the network or the file system.
void initXml();

// libxml2 prints errors to stderr by default; ozgbus reads them from the parser context instead.
void quietXmlErrorsOnThisThread();

}  // namespace ozgbus::xml
