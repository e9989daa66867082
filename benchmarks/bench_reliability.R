## R side of bench_reliability.py: psych's alpha, omega and scoreItems on bfi, per-call seconds.
## Usage: Rscript bench_reliability.R BFI_CSV KEYS_CSV REPS   (prints one JSON object)
## Same work as the Python side: alpha on the 5 scales (keys reversed, warnings off), omega on
## the 5 scales with 3 factors, omega on all 25 items with 5 factors, scoreItems (impute none).
suppressPackageStartupMessages({library(psych); library(GPArotation); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
items <- d[, c(paste0("A", 1:5), paste0("C", 1:5), paste0("E", 1:5), paste0("N", 1:5), paste0("O", 1:5))]
keys_csv <- read.csv(args[2], stringsAsFactors = FALSE)
keys <- lapply(as.list(keys_csv), function(k) k[nzchar(k)])
reps <- as.integer(args[3])
timed <- function(f) {  # wall clock with sub-millisecond resolution, after one warm-up call
  f()
  t <- numeric(reps)
  for (i in seq_len(reps)) { s <- Sys.time(); f(); t[i] <- as.numeric(Sys.time() - s, units = "secs") }
  t
}
out <- list(
  versions = list(R = R.version.string, psych = as.character(packageVersion("psych")),
                  GPArotation = as.character(packageVersion("GPArotation")),
                  BLAS = extSoftVersion()[["BLAS"]]),
  alpha_5_scales = timed(function() for (sc in names(keys)) {
    k <- keys[[sc]]; nm <- sub("^-", "", k)
    invisible(alpha(items[, nm], keys = sub("^-", "", k[grepl("^-", k)]), warnings = FALSE))
  }),
  omega_5_scales_nf3 = timed(function() for (sc in names(keys))
    suppressWarnings(suppressMessages(omega(items[, sub("^-", "", keys[[sc]])], nfactors = 3, plot = FALSE)))),
  omega_25_items_nf5 = timed(function()
    suppressWarnings(suppressMessages(omega(items, nfactors = 5, plot = FALSE)))),
  scoreItems_none = timed(function() scoreItems(keys, items, impute = "none"))
)
cat(toJSON(out, digits = NA, auto_unbox = TRUE))
