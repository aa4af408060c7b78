import { App } from 'aws-cdk-lib';
import { defineApp } from '../app.ts';

const app = new App();
defineApp(app);
app.synth();
