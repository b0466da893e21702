// nitro-kms's exit codes. 0, 1 and 255 are kmstool_enclave_cli's, so scripts written for it read ours the same.

export const EXIT_CODES = Object.freeze({
  /** The command did what it was asked. */
  ok: 0,
  /** The command line or an input file named on it is wrong; nothing was done. */
  usage: 1,
  /**
   * The command ran and its answer is "no": `policy lint` found something at or above `--severity`;
   * `policy simulate` says the request would be denied; `verify-attestation`: the document does not
   * verify; `doctor` found something wrong.
   */
  no: 2,
  /** Something failed while the command ran. */
  failure: 255,
});
