/** A setting is missing or malformed; the message names the variable and never its value. */
export class ServiceConfigError extends Error {
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ServiceConfigError';
    this.variable = variable;
  }
}
