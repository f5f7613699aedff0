import * as fs from 'fs';
import * as zlib from 'zlib';

/**
 * AWS's EventBridge schema registry, as `@aws-cdk/aws-service-spec` ships it (the database the CDK's
 * own code generation reads, a dependency of `@aws-cdk/cloudformation-diff`): for each event type
 * (`aws.codepipeline@CodePipelineStageExecutionStateChange`...), the fields of its `detail`, their
 * types and which are required. The samples of test/support/aws-samples.ts are held to it.
 */
interface SchemaEntity {
  readonly $id: string;
  readonly name?: string;
  readonly detailType?: string;
  readonly source?: string;
  readonly rootProperty?: { $ref: string };
  readonly properties?: Record<string, { type: FieldType; required?: boolean }>;
}
type FieldType =
  | { type: 'string' | 'number' | 'boolean' }
  | { type: 'ref'; reference: { $ref: string } }
  | { type: 'array'; element: FieldType };

function registry(): Map<string, SchemaEntity> {
  const db = JSON.parse(zlib.gunzipSync(fs.readFileSync(require.resolve('@aws-cdk/aws-service-spec/db.json.gz'))).toString());
  const byId = new Map<string, SchemaEntity>();
  for (const collection of Object.values<any>(db.schema)) {
    for (const entity of collection.entities ?? []) if (entity?.$id) byId.set(entity.$id, entity);
  }
  return byId;
}

/**
 * What in an event's `detail` departs from the registry's schema of its source and detail type: a
 * required field missing, a field the schema does not have, a value of another type. Where the
 * schema has an object and the event a list of such objects (an action's `input-artifacts` and
 * `output-artifacts`, which the CodePipeline User Guide's samples show as lists), each element is
 * held to the object.
 */
export function schemaProblems(event: { 'source': string; 'detail-type': string; 'detail': unknown }): string[] {
  const byId = registry();
  const schema = [...byId.values()].find(e => e.source === event.source && e.detailType === event['detail-type']);
  if (!schema) return [`no schema for ${event.source} "${event['detail-type']}"`];
  const problems: string[] = [];
  const check = (value: any, type: FieldType, where: string): void => {
    if (type.type === 'ref') {
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) checkObject(v, byId.get(type.reference.$ref)!, where);
    } else if (type.type === 'array') {
      if (!Array.isArray(value)) problems.push(`${where} is ${JSON.stringify(value)}; expected a list`);
      else value.forEach((v, i) => check(v, type.element, `${where}[${i}]`));
    } else if (typeof value !== type.type) {
      problems.push(`${where} is ${JSON.stringify(value)}; expected a ${type.type}`);
    }
  };
  const checkObject = (value: any, entity: SchemaEntity, where: string): void => {
    if (typeof value !== 'object' || value === null) return void problems.push(`${where} is ${JSON.stringify(value)}; expected an object`);
    const fields = entity.properties ?? {};
    for (const [name, field] of Object.entries(fields)) {
      if (field.required && !(name in value)) problems.push(`${where}.${name} is missing`);
    }
    for (const [name, v] of Object.entries(value)) {
      if (!(name in fields)) problems.push(`${where}.${name} is not in the schema`);
      else check(v, fields[name].type, `${where}.${name}`);
    }
  };
  checkObject(event.detail, byId.get(schema.rootProperty!.$ref)!, 'detail');
  return problems;
}
