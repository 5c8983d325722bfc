import { describe, expect, it } from 'vitest';
import { applyFilter, joinRecords, parseRecord, renderRecord } from '../../../local-runner/transform/record-filter.ts';

const csv = (text: string) => parseRecord(text, 'text/csv');
const filter = (expr: string, text: string, type = 'text/csv') => renderRecord(applyFilter(expr, parseRecord(text, type)));

describe('DataProcessing filters on one record', () => {
  it.each([
    ['$', '1,2,3', '1,2,3'],
    ['$[1:]', '1,2,3', '2,3'],
    ['$[0]', '1,2,3', '1'],
    ['$[-1]', '1,2,3', '3'],
    ['$[0,2]', '1,2,3', '1,3'],
    ['$[:-1]', '1,2,3', '1,2'],
    ['$[1:2]', '1,2,3', '2'],
  ])('GIVEN a CSV row WHEN filtered with %s THEN the selected columns remain', (expr, row, out) => {
    expect(filter(expr, row)).toBe(out);
  });

  it('GIVEN a JSON object WHEN filtered by field THEN that value is the record', () => {
    expect(filter('$.features', '{"id":7,"features":[1,2]}', 'application/json')).toBe('[1,2]');
    expect(filter("$['id']", '{"id":7}', 'application/json')).toBe('7');
  });

  it('GIVEN an unsupported or failing expression WHEN applied THEN the error names it', () => {
    expect(() => applyFilter('$..x', csv('1,2'))).toThrow(/unsupported JSONPath '\$\.\.x'/);
    expect(() => applyFilter('$[5]', csv('1,2'))).toThrow(/index 5 is outside a record of 2 values/);
    expect(() => applyFilter('features', csv('1,2'))).toThrow(/must start with \$/);
  });

  it('GIVEN JoinSource Input WHEN joined THEN CSV gets the answer appended and a JSON object gets SageMakerOutput', () => {
    expect(renderRecord(joinRecords(csv('1,0.5,3'), '0.91'))).toBe('1,0.5,3,0.91');
    expect(renderRecord(applyFilter('$[0,-1]', joinRecords(csv('1,0.5,3'), '0.91')))).toBe('1,0.91');
    expect(renderRecord(joinRecords(parseRecord('{"id":1}', 'application/json'), '{"score":0.2}'))).toBe('{"id":1,"SageMakerOutput":{"score":0.2}}');
  });
});
