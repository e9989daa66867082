## Time lavaan's and nlme's APIM fits on a wide (one row per dyad) and a pairwise file.
## Usage: Rscript benchmarks/r/bench_apim.R WIDE.csv PAIRWISE.csv REPS OUT.json [gls]
## Data are read before timing; each figure is the median of REPS calls after one warm-up.
suppressPackageStartupMessages({library(lavaan); library(nlme); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
wide <- read.csv(args[1]); pair <- read.csv(args[2]); reps <- as.integer(args[3])
with_gls <- length(args) < 5 || args[5] != "nogls"
pair$m1 <- as.numeric(pair$member == 1); pair$m2 <- as.numeric(pair$member == 2)
pair$memf <- factor(pair$member)
m_dist <- 'Y_1 ~ a1*X_1 + p21*X_2
  Y_2 ~ a2*X_2 + p12*X_1
  Y_1 ~~ Y_2
  k1 := p21/a1
  k2 := p12/a2'
m_indist <- 'Y_1 ~ a*X_1 + p*X_2
  Y_2 ~ a*X_2 + p*X_1
  X_1 ~ mx*1 ; X_2 ~ mx*1
  X_1 ~~ vx*X_1 ; X_2 ~~ vx*X_2 ; X_1 ~~ X_2
  Y_1 ~ iy*1 ; Y_2 ~ iy*1
  Y_1 ~~ vy*Y_1 ; Y_2 ~~ vy*Y_2 ; Y_1 ~~ Y_2
  k := p/a'
bench <- function(f) {
  f()
  t <- numeric(reps)
  for (i in seq_len(reps)) { s <- proc.time()[["elapsed"]]; f(); t[i] <- proc.time()[["elapsed"]] - s }
  list(median_s = median(t), min_s = min(t), mean_s = mean(t), reps = reps)
}
out <- list(
  R = R.version.string, lavaan = as.character(packageVersion("lavaan")),
  nlme = as.character(packageVersion("nlme")), n_dyads = nrow(wide),
  lavaan_distinguishable = bench(function() sem(m_dist, data = wide, meanstructure = TRUE)),
  lavaan_indistinguishable = bench(function() sem(m_indist, data = wide, meanstructure = TRUE, fixed.x = FALSE)))
if (with_gls) {
  out$gls_indist_REML <- bench(function() gls(Y_A ~ X_A + X_P, data = pair, correlation = corCompSymm(form = ~ 1 | dyad)))
  out$gls_two_intercept_REML <- bench(function() gls(Y_A ~ 0 + m1 + m2 + m1:X_A + m2:X_A + m1:X_P + m2:X_P, data = pair,
      correlation = corCompSymm(form = ~ 1 | dyad), weights = varIdent(form = ~ 1 | memf)))
}
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), args[4])
