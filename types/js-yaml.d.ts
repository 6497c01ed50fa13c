// js-yaml ships no types; this is the part of its API src/config/load-config.ts uses.
declare module 'js-yaml' {
  export class Type {
    constructor(tag: string, options: { kind: 'scalar'; resolve: (data: string) => boolean; construct: (data: string) => unknown });
  }
  export class Schema {
    extend(types: { implicit?: Type[]; explicit?: Type[] }): Schema;
  }
  export const FAILSAFE_SCHEMA: Schema;
  export const types: { null: Type; bool: Type };
  export function load(text: string, options?: { schema?: Schema }): unknown;
}
